import {
  Body1, Button, Field, Input, MessageBar, MessageBarBody, Radio, RadioGroup, Spinner, Title2, Title3, makeStyles,
} from "@fluentui/react-components";
import { useEffect, useRef, useState } from "react";
import { del, post, put, seg } from "../api";
import { EmptyState } from "../components/EmptyState";
import { FlowPicker } from "../components/FlowPicker";
import { Freshness } from "../components/Freshness";
import { Problem } from "../components/Problem";
import { TimeZoneField } from "../components/TimeZoneField";
import { useApi } from "../components/useApi";
import { ApiError, describeError } from "../errors";
import type { Delivery, FlowRow, Settings, SettingsView, Watch } from "../types";

const useStyles = makeStyles({
  form: { display: "flex", flexDirection: "column", gap: "8px", maxWidth: "360px" },
  list: { paddingLeft: "16px" },
  text: { overflowWrap: "anywhere" },
  section: { display: "flex", flexDirection: "column", gap: "8px" },
});

type SettingKey = "timeZone" | "digestTime" | "quietStart" | "quietEnd" | "delivery";

/** watchLabel names what a watch watches. */
function watchLabel(w: Watch): string {
  if (w.target === "all") return "All my flows";
  if (w.target === "environment") return `Every flow in ${w.environmentId}`;
  return w.flowName || w.flowId || w.target;
}

/** SettingsPage: watches (add with a flow picker, remove), time zone, digest time, quiet hours, sign out. */
export default function SettingsPage() {
  const s = useStyles();
  const d = useApi<SettingsView>("/settings");
  const [st, setSt] = useState<Settings>();
  const [note, setNote] = useState<{ ok: boolean; text: string }>();
  const [fieldError, setFieldError] = useState<{ field: SettingKey; text: string }>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => setSt(d.data?.settings), [d.data]);
  useEffect(() => {
    if (fieldError) form.current?.querySelector<HTMLInputElement>(`input[name="${fieldError.field}"]`)?.focus();
  }, [fieldError]);
  if (d.error) return <Problem error={d.error} onRetry={d.reload} />;
  if (!d.data || !st) return <Spinner label="Loading settings…" />;
  const watches = d.data.watches ?? [];
  const act = async (what: () => Promise<unknown>, done: string) => {
    setNote(undefined);
    setFieldError(undefined);
    setBusy(true);
    try {
      await what();
      setNote({ ok: true, text: done });
      d.reload();
    } catch (e) {
      const field = e instanceof ApiError ? e.detail["field"] : undefined;
      if (field === "timeZone" || field === "digestTime" || field === "quietStart" || field === "quietEnd" || field === "delivery") {
        setFieldError({ field, text: describeError(e) });
      }
      setNote({ ok: false, text: describeError(e) });
    } finally {
      setBusy(false);
    }
  };
  const errorOf = (k: SettingKey) => (fieldError?.field === k ? fieldError.text : undefined);
  const time = (k: "digestTime" | "quietStart" | "quietEnd", label: string, hint: string) => (
    <Field label={label} hint={hint} validationState={errorOf(k) ? "error" : "none"} validationMessage={errorOf(k)}>
      <Input type="time" name={k} value={st[k]} onChange={(_, v) => setSt({ ...st, [k]: v.value })} />
    </Field>
  );
  const watching = (f: FlowRow) =>
    watches.some((w) => w.target === "all" || (w.target === "flow" && w.environmentId === f.environmentId && w.flowId === f.id));
  const watchFlow = (f: FlowRow) =>
    void act(() => post("/watches", { target: "flow", environmentId: f.environmentId, flowId: f.id, flowName: f.displayName }),
      `You now watch ${f.displayName}.`);
  return (
    <>
      <Title2 as="h1">Settings</Title2>
      {note && <MessageBar intent={note.ok ? "success" : "error"}><MessageBarBody role="status">{note.text}</MessageBarBody></MessageBar>}
      <Freshness fetchedAt={d.fetchedAt} loading={d.loading} onRefresh={d.reload} what="settings" />
      <section aria-labelledby="watch-h" className={s.section}>
        <Title3 as="h2" id="watch-h">Watched flows</Title3>
        <Body1 as="p">FlowDeck tells you in chat when a watched flow fails. The bot's “watch” command adds to the same list.</Body1>
        {watches.length === 0 ? (
          <EmptyState testId="empty-watches" title="You watch no flows yet"
            why="Without a watch FlowDeck sends no failure alerts. Watch every flow you own, or pick flows below."
            actions={<Button appearance="primary" disabled={busy} onClick={() => void act(() => post("/watches", { target: "all" }), "You now watch all your flows.")}>Watch all my flows</Button>} />
        ) : (
          <ul className={s.list} data-testid="watches">
            {watches.map((w) => (
              <li key={w.id} className={s.text} data-watch={w.id}>
                {watchLabel(w)}{" "}
                <Button size="small" disabled={busy} aria-label={`Remove ${watchLabel(w)}`}
                  onClick={() => void act(() => del(`/watches/${seg(w.id)}`), `You no longer watch ${watchLabel(w)}.`)}>Remove</Button>
              </li>
            ))}
          </ul>
        )}
        {watches.length > 0 && !watches.some((w) => w.target === "all") && (
          <p><Button disabled={busy} onClick={() => void act(() => post("/watches", { target: "all" }), "You now watch all your flows.")}>Watch all my flows</Button></p>
        )}
        <FlowPicker watched={watching} onPick={watchFlow} busy={busy} />
      </section>
      <section aria-labelledby="notify-h">
        <Title3 as="h2" id="notify-h">Notifications</Title3>
        <form ref={form} className={s.form} aria-labelledby="notify-h" noValidate
          onSubmit={(e) => { e.preventDefault(); void act(() => put("/settings", {
            timeZone: st.timeZone, digestTime: st.digestTime, quietStart: st.quietStart, quietEnd: st.quietEnd,
            delivery: st.delivery || "chat",
          }), "Settings saved."); }}>
          <TimeZoneField value={st.timeZone} onChange={(v) => setSt({ ...st, timeZone: v })} error={errorOf("timeZone")} />
          {time("digestTime", "Daily digest at", "Empty: no daily digest.")}
          {time("quietStart", "Quiet hours from", "No alerts between these times; empty: none.")}
          {time("quietEnd", "Quiet hours until", "Alerts held in quiet hours come after them.")}
          <Field label="Failure alerts and new approvals arrive" hint="The activity feed needs a permission your administrator grants; without it they come in chat."
            validationState={errorOf("delivery") ? "error" : "none"} validationMessage={errorOf("delivery")}>
            <RadioGroup name="delivery" value={st.delivery || "chat"} onChange={(_, v) => setSt({ ...st, delivery: v.value as Delivery })}>
              <Radio value="chat" label="As a card in FlowDeck's chat" />
              <Radio value="feed" label="In the Teams activity feed" />
              <Radio value="both" label="Both" />
            </RadioGroup>
          </Field>
          <Button type="submit" appearance="primary" disabled={busy}>Save</Button>
        </form>
      </section>
      <section aria-labelledby="signout-h">
        <Title3 as="h2" id="signout-h">Sign out</Title3>
        <Body1 as="p">FlowDeck forgets the Power Platform permissions it holds for you.</Body1>
        <Button onClick={() => void act(() => post("/signout"), "Signed out.")}>Sign out of FlowDeck</Button>
      </section>
    </>
  );
}
