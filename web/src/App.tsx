import {
  FluentProvider, Spinner, Tab, TabList, makeStyles, teamsDarkTheme, teamsHighContrastTheme,
  teamsLightTheme, tokens,
} from "@fluentui/react-components";
import { Suspense, lazy, useEffect, useState } from "react";
import { DashboardPage } from "./pages/Dashboard";
import { NotInTeams } from "./pages/NotInTeams";
import { hrefOf, parseHash, routeOfSubEntity, type Route } from "./route";
import { connect, onThemeChange, ready, type ThemeName, type TeamsInfo } from "./teams";

const FlowsPage = lazy(() => import("./pages/Flows"));
const FlowPage = lazy(() => import("./pages/Flow"));
const RunPage = lazy(() => import("./pages/Run"));
const ApprovalsPage = lazy(() => import("./pages/Approvals"));
const ConnectionsPage = lazy(() => import("./pages/Connections"));
const AppsPage = lazy(() => import("./pages/Apps"));
const SettingsPage = lazy(() => import("./pages/Settings"));

const themes = { default: teamsLightTheme, dark: teamsDarkTheme, contrast: teamsHighContrastTheme };

const useStyles = makeStyles({
  root: { backgroundColor: tokens.colorNeutralBackground3, color: tokens.colorNeutralForeground1 },
  nav: { overflowX: "auto", borderBottom: `1px solid ${tokens.colorNeutralStroke2}`, backgroundColor: tokens.colorNeutralBackground1 },
  main: { padding: "12px 16px", maxWidth: "1200px", margin: "0 auto", display: "flex", flexDirection: "column", gap: "12px" },
});

const sections = [
  { value: "dashboard", label: "Dashboard", href: "#/" },
  { value: "flows", label: "Flows", href: "#/flows" },
  { value: "approvals", label: "Approvals", href: "#/approvals" },
  { value: "connections", label: "Connections", href: "#/connections" },
  { value: "apps", label: "Power Apps", href: "#/apps" },
  { value: "settings", label: "Settings", href: "#/settings" },
] as const;

function sectionOf(r: Route): string {
  return r.page === "flow" || r.page === "run" ? "flows" : r.page;
}

/** useRoute follows location.hash. */
function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return route;
}

function Page(props: { route: Route; locale: string }) {
  const r = props.route;
  switch (r.page) {
    case "dashboard":
      return <DashboardPage window={r.window} locale={props.locale} />;
    case "flows":
      return <FlowsPage filter={r.filter} />;
    case "flow":
      return <FlowPage env={r.env} flow={r.flow} status={r.status} window={r.window ?? ""} locale={props.locale} />;
    case "run":
      return <RunPage env={r.env} flow={r.flow} run={r.run} locale={props.locale} />;
    case "approvals":
      return <ApprovalsPage role={r.role} active={r.active} locale={props.locale} />;
    case "connections":
      return <ConnectionsPage />;
    case "apps":
      return <AppsPage locale={props.locale} />;
    case "settings":
      return <SettingsPage />;
  }
}

/** App connects to Teams, follows its theme, and routes. */
export function App() {
  const styles = useStyles();
  const [teams, setTeams] = useState<TeamsInfo | null | undefined>(undefined);
  const [theme, setTheme] = useState<ThemeName>("default");
  const route = useRoute();

  useEffect(() => {
    let live = true;
    void connect().then((info) => {
      if (!live) return;
      setTeams(info);
      if (!info) return;
      setTheme(info.theme);
      onThemeChange(setTheme);
      const deep = routeOfSubEntity(info.subEntityId);
      if (deep && (location.hash === "" || location.hash === "#/")) location.hash = hrefOf(deep);
      ready();
    });
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    document.documentElement.dataset["theme"] = theme;
    document.documentElement.style.colorScheme = theme === "default" ? "light" : "dark";
    // The page behind the provider follows the theme too (overscroll, short
    // pages, the iframe's own background in Teams).
    document.body.style.backgroundColor = themes[theme].colorNeutralBackground3;
    document.body.style.color = themes[theme].colorNeutralForeground1;
  }, [theme]);

  let body;
  if (teams === undefined) {
    body = <Spinner label="Connecting to Teams…" />;
  } else if (teams === null) {
    body = <NotInTeams />;
  } else {
    body = (
      <Suspense fallback={<Spinner label="Loading…" />}>
        <Page route={route} locale={teams.locale} />
      </Suspense>
    );
  }
  return (
    <FluentProvider theme={themes[theme]} className={`fd-root ${styles.root}`} data-theme={theme}>
      {teams && (
        <header>
          <nav aria-label="FlowDeck" className={styles.nav}>
            <TabList selectedValue={sectionOf(route)} size="small"
              onTabSelect={(_, d) => {
                const s = sections.find((x) => x.value === d.value);
                if (s) location.hash = s.href;
              }}>
              {sections.map((s) => (
                <Tab key={s.value} value={s.value}>{s.label}</Tab>
              ))}
            </TabList>
          </nav>
        </header>
      )}
      <main className={styles.main} id="main">
        {body}
      </main>
    </FluentProvider>
  );
}
