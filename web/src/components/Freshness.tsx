import { Button, Caption1, Spinner, makeStyles } from "@fluentui/react-components";
import { useEffect, useState } from "react";

const useStyles = makeStyles({
  bar: { display: "flex", flexWrap: "wrap", gap: "8px", alignItems: "center" },
});

/** age says how long ago a moment was, in words: "12 s ago", "3 min ago". */
export function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  return `${Math.floor(m / 60)} h ago`;
}

/** useNow is Date.now(), refreshed every second while mounted. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(id);
  }, []);
  return now;
}

/**
 * Freshness is a data view's Refresh button and "Updated N s ago", the age
 * counted from when the data was gathered (fetchedAt) and ticking every
 * second — shown also while a refresh loads, after it. Refresh stays
 * enabled (and legible) while loading: pressing it starts over.
 */
export function Freshness(props: { fetchedAt: number | undefined; loading: boolean; onRefresh: () => void; what?: string }) {
  const s = useStyles();
  const now = useNow();
  return (
    <div className={s.bar} data-testid="freshness">
      <Button size="small" onClick={props.onRefresh}
        aria-label={props.what ? `Refresh ${props.what}` : undefined}>Refresh</Button>
      {props.fetchedAt !== undefined && (
        <Caption1 data-testid="updated" data-fetched-at={props.fetchedAt}>
          Updated {age(Math.max(0, now - props.fetchedAt))}
        </Caption1>
      )}
      {props.loading && <Spinner size="tiny" label="Refreshing…" />}
    </div>
  );
}
