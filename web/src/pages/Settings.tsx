import {
  Body1, Button, Field, Input, MessageBar, MessageBarBody, Spinner, Title2, Title3, makeStyles,
} from "@fluentui/react-components";
import { useEffect, useState } from "react";
import { del, post, put, seg } from "../api";
import { Problem } from "../components/Problem";
import { useApi } from "../components/useApi";
import { describeError } from "../errors";
import type { Settings, Watch } from "../types";

const useStyles = makeStyles({
  form: { display: "flex", flexDirection: "column", gap: "8px", maxWidth: "360px" },
  list: { paddingLeft: "16px" },
  text: { overflowWrap: "anywhere" },
});

/** SettingsPage: watches (remove), digest time, quiet hours, time zone, sign out. */
export default function SettingsPage() {
  const s = useStyles();
  const d = useApi<{ settings: Settings; watches: Watch[] | null }>("/settings");
  const [st, setSt] = useState<Settings>();
  const [note, setNote] = useState<{ ok: boolean; text: string }>();
  useEffect(() => setSt(d.data?.settings), [d.data]);
  if (d.error) return <Problem error={d.error} onRetry={d.reload} />;
  if (!d.data || !st) return <Spinner label="Loading settings…" />;
  const act = async (what: () => Promise<unknown>, done: string) => {
    setNote(undefined);
    try {
      await what();
      setNote({ ok: true, text: done });
      d.reload();
    } catch (e) {
      setNote({ ok: false, text: describeError(e) });
    }
  };
  const field = (k: keyof Settings, label: string, hint: string) => (
    <Field label={label} hint={hint}>
      <Input value={st[k]} onChange={(_, v) => setSt({ ...st, [k]: v.value })} />
    </Field>
  );
  return (
    <>
      <Title2 as="h1">Settings</Title2>
      {note && <MessageBar intent={note.ok ? "success" : "error"}><MessageBarBody role="status">{note.text}</MessageBarBody></MessageBar>}
      <section aria-labelledby="watch-h">
        <Title3 as="h2" id="watch-h">Watched flows</Title3>
        {(d.data.watches ?? []).length === 0 ? <Body1 as="p">You watch nothing yet. Say “watch all” to the bot.</Body1> : (
          <ul className={s.list}>
            {d.data.watches!.map((w) => (
              <li key={w.id} className={s.text}>
                {w.target === "all" ? "All my flows" : w.flowName || w.flowId}{" "}
                <Button size="small" aria-label={`Stop watching ${w.flowName || w.target}`}
                  onClick={() => void act(() => del(`/watches/${seg(w.id)}`), "Removed.")}>Remove</Button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="notify-h">
        <Title3 as="h2" id="notify-h">Notifications</Title3>
        <form className={s.form} onSubmit={(e) => { e.preventDefault(); void act(() => put("/settings", st), "Saved."); }}>
          {field("timeZone", "Time zone", "An IANA name, e.g. Europe/Paris")}
          {field("digestTime", "Daily digest at", "HH:MM, or empty for no digest")}
          {field("quietStart", "Quiet hours from", "HH:MM")}
          {field("quietEnd", "Quiet hours until", "HH:MM")}
          <Button type="submit" appearance="primary">Save</Button>
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
