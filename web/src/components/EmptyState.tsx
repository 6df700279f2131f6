import { Body1, Subtitle2, makeStyles, tokens } from "@fluentui/react-components";
import type { ReactNode } from "react";

const useStyles = makeStyles({
  box: {
    display: "flex", flexDirection: "column", gap: "4px", alignItems: "flex-start",
    padding: "12px", border: `1px dashed ${tokens.colorNeutralStroke1}`, borderRadius: tokens.borderRadiusMedium,
    overflowWrap: "anywhere",
  },
  actions: { display: "flex", flexWrap: "wrap", gap: "8px", marginTop: "4px" },
});

/**
 * EmptyState stands where a list has nothing to show: what is (not) there
 * (title), why, and what to do about it (actions: links or buttons).
 */
export function EmptyState(props: { title: string; why?: ReactNode; actions?: ReactNode; testId?: string }) {
  const s = useStyles();
  return (
    <div className={s.box} data-testid={props.testId ?? "empty"} role="status">
      <Subtitle2 as="p" style={{ margin: 0 }}>{props.title}</Subtitle2>
      {props.why && <Body1 as="p" style={{ margin: 0 }}>{props.why}</Body1>}
      {props.actions && <div className={s.actions}>{props.actions}</div>}
    </div>
  );
}
