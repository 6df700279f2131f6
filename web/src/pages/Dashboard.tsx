import {
  Badge, Caption1, Card, CardHeader, Link, Spinner, Tab, TabList, Title2, Title3, makeStyles, tokens,
} from "@fluentui/react-components";
import { useEffect } from "react";
import { ChatOffer } from "../components/ChatOffer";
import { EmptyState } from "../components/EmptyState";
import { Freshness } from "../components/Freshness";
import { Problem } from "../components/Problem";
import { PartialNotice } from "../components/PartialNotice";
import { Trend } from "../components/Trend";
import { useLiveDashboard } from "../components/useLiveDashboard";
import { plural, stateLabel, when } from "../format";
import { personLabel } from "../people";
import { defaultFilter, failuresOf, hrefOf, windowLabel } from "../route";

const useStyles = makeStyles({
  grid: { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(150px, 1fr))", gap: "8px" },
  stat: { padding: "12px" },
  number: { fontSize: tokens.fontSizeHero800, fontWeight: tokens.fontWeightSemibold, lineHeight: tokens.lineHeightHero800 },
  list: { listStyle: "none", padding: 0, margin: 0, display: "flex", flexDirection: "column", gap: "8px" },
  row: { padding: "8px 12px" },
  count: { whiteSpace: "nowrap", flexShrink: 0 },
  error: { color: tokens.colorPaletteRedForeground1, overflowWrap: "anywhere" },
  name: { overflowWrap: "anywhere" },
});

function Stat(props: { label: string; value: number; href: string }) {
  const s = useStyles();
  return (
    <Card className={s.stat}>
      <Link href={props.href} aria-label={`${props.value} ${props.label}`}>
        <div className={s.number}>{props.value}</div>
      </Link>
      <Caption1>{props.label}</Caption1>
    </Card>
  );
}

/** DashboardPage: failures across every environment, flows off, broken connections, pending approvals. */
export function DashboardPage(props: { window: "24h" | "7d"; locale: string }) {
  const s = useStyles();
  const { data, error, loading, fetchedAt, reload } = useLiveDashboard(props.window);

  useEffect(() => {
    if (data) performance.mark("dashboard-rendered");
  }, [data]);

  if (error && !data) return <Problem error={error} onRetry={reload} />;
  if (!data) return <Spinner label="Loading the dashboard…" />;
  const off = data.off ?? [];
  const broken = data.brokenConnections ?? [];
  const approvals = data.pendingApprovals ?? [];
  const failedRuns = data.failing.reduce((n, f) => n + f.count, 0);
  return (
    <>
      <Title2 as="h1">Dashboard</Title2>
      <TabList selectedValue={props.window} size="small" aria-label="Time window"
        onTabSelect={(_, d) => (location.hash = hrefOf({ page: "dashboard", window: d.value === "7d" ? "7d" : "24h" }))}>
        <Tab value="24h">Last 24 hours</Tab>
        <Tab value="7d">Last 7 days</Tab>
      </TabList>
      <Freshness fetchedAt={fetchedAt} loading={loading} onRefresh={reload} what="the dashboard" />
      {error !== undefined && <Problem error={error} onRetry={reload} />}
      <PartialNotice partial={data.partial} />
      <section aria-label="Summary" className={s.grid} data-testid="summary"
        data-snapshot={data.fromSnapshot ? "true" : "false"} data-live={loading ? "loading" : "done"}>
        <Stat label="failing flows" value={data.failing.length} href={hrefOf(failuresOf(props.window))} />
        <Stat label="failed runs" value={failedRuns} href={hrefOf(failuresOf(props.window))} />
        <Stat label="flows off or suspended" value={off.length} href={hrefOf({ page: "flows", filter: { ...defaultFilter, state: "off" } })} />
        <Stat label="broken connections" value={broken.length} href="#/connections" />
        <Stat label="pending approvals" value={approvals.length} href="#/approvals" />
      </section>

      <section aria-labelledby="failing-h">
        <Title3 as="h2" id="failing-h">Failures</Title3>
        {data.failing.length === 0 ? (
          <EmptyState testId="empty-failures" title={`No flow failed in the last ${windowLabel(props.window)}`}
            why={`Nothing failed since ${when(data.since, props.locale)}.`}
            actions={props.window === "24h"
              ? <Link href={hrefOf({ page: "dashboard", window: "7d" })}>Look at the last 7 days</Link>
              : <Link href={hrefOf({ page: "flows", filter: defaultFilter })}>See every flow</Link>} />
        ) : (
          <ul className={s.list} data-testid="failing">
            {data.failing.map((f) => (
              <li key={f.flow.environmentId + "/" + f.flow.id}>
                <Card className={s.row}>
                  <CardHeader
                    header={
                      <Link className={s.name} href={hrefOf({ page: "flow", env: f.flow.environmentId, flow: f.flow.id, status: "Failed" })}>
                        {f.flow.displayName}
                      </Link>
                    }
                    description={<Caption1>{f.environmentName}</Caption1>}
                    action={<Badge className={s.count} color="danger">{plural(f.count, "failure") + (f.more ? "+" : "")}</Badge>}
                  />
                  <Trend values={f.trend} label={`Failures over time for ${f.flow.displayName}`} />
                  <Caption1 className={s.error}>
                    {when(f.latest.startTime, props.locale)}
                    {f.failedAction ? ` · ${f.failedAction.name}: ` : " · "}
                    {f.failedAction?.errorMessage || f.latest.errorMessage || f.latest.errorCode || "Failed"}
                  </Caption1>
                </Card>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="off-h">
        <Title3 as="h2" id="off-h">Flows off or suspended</Title3>
        {off.length === 0 ? (
          <EmptyState testId="empty-off" title="Every flow is on" why="None of your flows is turned off or suspended by Power Automate." />
        ) : (
          <ul className={s.list}>
            {off.map((f) => (
              <li key={f.environmentId + "/" + f.id}>
                <Link className={s.name} href={hrefOf({ page: "flow", env: f.environmentId, flow: f.id, status: "" })}>{f.displayName}</Link>{" "}
                <Badge color={f.state === "Suspended" ? "danger" : "informative"}>{stateLabel(f.state)}</Badge>
                {f.suspensionReason && <Caption1> {f.suspensionReason}</Caption1>}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="conn-h">
        <Title3 as="h2" id="conn-h">Broken connections</Title3>
        {broken.length === 0 ? (
          <EmptyState testId="empty-broken" title="All connections work" why="No connection your flows use needs you to sign in again or fix it."
            actions={<Link href="#/connections">See your connections</Link>} />
        ) : (
          <ul className={s.list}>
            {broken.map((c) => (
              <li key={c.environmentId + "/" + c.id}>
                <strong className={s.name}>{c.displayName}</strong> <Caption1>({c.api})</Caption1>{" "}
                <Caption1 className={s.error}>{c.errorMessage || c.errorCode || c.status}</Caption1>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="appr-h">
        <Title3 as="h2" id="appr-h">Pending approvals</Title3>
        {approvals.length === 0 ? (
          <EmptyState testId="empty-approvals" title="You have no pending approvals" why="Requests sent to you appear here and in your chat with FlowDeck."
            actions={<Link href={hrefOf({ page: "approvals", role: "received", active: false })}>See approvals you answered</Link>} />
        ) : (
          <ul className={s.list} data-testid="approvals">
            {approvals.map((a) => (
              <li key={a.environmentId + "/" + a.id}>
                <Link className={s.name} href="#/approvals">{a.title}</Link>{" "}
                <Caption1>from {personLabel(a.requester.name, a.requester.email)} · {when(a.createdAt, props.locale)}</Caption1>
              </li>
            ))}
          </ul>
        )}
      </section>
      {/* Last, so that its late arrival moves nothing a user may be about to press. */}
      <ChatOffer />
    </>
  );
}
