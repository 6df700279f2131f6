import { MessageBar, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { describeCode } from "../errors";
import type { Partial } from "../types";

/** PartialNotice names the environments whose part of an answer is missing. */
export function PartialNotice(props: { partial?: Partial[] }) {
  if (!props.partial?.length) return null;
  return (
    <MessageBar intent="warning" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>Some environments did not answer</MessageBarTitle>
        <ul>
          {props.partial.map((p) => (
            <li key={p.environmentId}>
              {p.name || p.environmentId}: {describeCode(p.code, p.message)}
            </li>
          ))}
        </ul>
      </MessageBarBody>
    </MessageBar>
  );
}
