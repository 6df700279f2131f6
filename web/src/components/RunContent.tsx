import { Button, Caption1, Link, Spinner, makeStyles, tokens } from "@fluentui/react-components";
import { useState } from "react";
import { get, q, seg } from "../api";
import { describeError } from "../errors";
import { size } from "../duration";
import type { RunContent } from "../types";

const useStyles = makeStyles({
  pre: {
    maxHeight: "320px", overflow: "auto", whiteSpace: "pre-wrap", overflowWrap: "anywhere", margin: "4px 0",
    padding: "8px", backgroundColor: tokens.colorNeutralBackground3, color: tokens.colorNeutralForeground1,
    border: `1px solid ${tokens.colorNeutralStroke1}`, fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200,
  },
  error: { color: tokens.colorPaletteRedForeground1 },
});

/** ShowContent is a "Show inputs"/"Show outputs" control: it fetches the part on demand and shows it, or says it is secure. */
export function ShowContent(props: { env: string; flow: string; run: string; action: string; part: "inputs" | "outputs"; label: string; portalUrl: string }) {
  const s = useStyles();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [data, setData] = useState<RunContent>();
  const [failure, setFailure] = useState<string>();
  const id = `content-${props.part}-${props.action || "trigger"}`.replace(/[^A-Za-z0-9_-]/g, "_");
  const toggle = async () => {
    if (open) { setOpen(false); return; }
    setOpen(true);
    if (data) return;
    setBusy(true);
    setFailure(undefined);
    try {
      const path = `/flows/${seg(props.env)}/${seg(props.flow)}/runs/${seg(props.run)}/content` +
        q({ part: props.part, action: props.action || undefined });
      setData(await get<RunContent>(path));
    } catch (e) {
      setFailure(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const word = props.part === "inputs" ? "Inputs" : "Outputs";
  return (
    <div data-content={props.part}>
      <Button size="small" appearance="subtle" aria-expanded={open} aria-controls={open ? id : undefined}
        aria-label={`${open ? "Hide" : "Show"} ${props.part} of ${props.label}`} onClick={() => void toggle()}>
        {open ? `Hide ${props.part}` : `Show ${props.part}`}
      </Button>
      {open && (
        <div id={id}>
          {busy ? <Spinner size="tiny" label={`Loading ${props.part}…`} /> : failure ? (
            <span role="alert" className={s.error}>{failure}</span>
          ) : data?.secure ? (
            <Caption1 data-secure>{word} hidden (secure): this flow keeps them out of the run history.</Caption1>
          ) : data?.none || !data?.text ? (
            <Caption1>No {props.part}.</Caption1>
          ) : (
            <>
              {data.truncated && (
                <Caption1 as="p" data-truncated>
                  Showing the first {size(data.text.length)} of {data.size > 0 ? size(data.size) : "more"}.{" "}
                  <Link href={props.portalUrl} target="_blank" rel="noopener noreferrer">See all in Power Automate</Link>
                </Caption1>
              )}
              <pre className={s.pre} tabIndex={0} aria-label={`${word} of ${props.label}`}>{data.text}</pre>
            </>
          )}
        </div>
      )}
    </div>
  );
}
