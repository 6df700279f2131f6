import { Button, Caption1 } from "@fluentui/react-components";

/** Pager moves through an offset/limit listing. */
export function Pager(props: { offset: number; limit: number; total: number; onOffset: (o: number) => void }) {
  const { offset, limit, total } = props;
  const last = Math.min(total, offset + limit);
  return (
    <nav aria-label="Pages" style={{ display: "flex", gap: 8, alignItems: "center" }}>
      <Button disabled={offset === 0} onClick={() => props.onOffset(Math.max(0, offset - limit))}>Previous</Button>
      <Caption1 aria-live="polite">{total === 0 ? "No items" : `${offset + 1}–${last} of ${total}`}</Caption1>
      <Button disabled={last >= total} onClick={() => props.onOffset(offset + limit)}>Next</Button>
    </nav>
  );
}
