// Approval details as Power Automate renders them, with the cards' safety
// rules (internal/cards/text.go, SafeMarkdown): bold, italic, lists and line
// breaks are kept; every link becomes "text (url)" and every image its alt
// text, as plain text, so no label can hide where a link points; anything
// else shows as typed. React elements only: no HTML is ever parsed.
import type { ReactNode } from "react";

/** maxDetails is the cards' limit on approval details, in characters. */
export const maxDetails = 3000;

const image = /!\[([^\]\n]*)\]\(([^)\s]*)[^)\n]*\)/g;
const link = /\[([^\]\n]*)\]\(([^)\s]*)[^)\n]*\)/g;

/** flatten applies the cards' link and image rules: text only. */
export function flatten(s: string): string {
  return s
    .replace(image, "$1")
    .replace(link, (_m, text: string, url: string) => (text === "" || text === url ? url : `${text} (${url})`));
}

/** inline renders **bold**, __bold__, *italic* and _italic_ in one line. */
function inline(s: string, key: string): ReactNode[] {
  const out: ReactNode[] = [];
  // Underscores inside a word (snake_case) are not emphasis, as in CommonMark.
  const re = /\*\*(?=\S)([^\n]*?\S)\*\*|(?<![\p{L}\p{N}_])__(?=\S)([^\n]*?\S)__(?![\p{L}\p{N}_])|\*(?=\S)([^\n*]*?\S)\*|(?<![\p{L}\p{N}_])_(?=\S)([^\n_]*?\S)_(?![\p{L}\p{N}_])/gu;
  let at = 0;
  let n = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m.index > at) out.push(s.slice(at, m.index));
    const bold = m[1] ?? m[2];
    if (bold !== undefined) out.push(<strong key={`${key}b${n++}`}>{inline(bold, `${key}b${n}`)}</strong>);
    else out.push(<em key={`${key}i${n++}`}>{m[3] ?? m[4]}</em>);
    at = m.index + m[0].length;
  }
  if (at < s.length) out.push(s.slice(at));
  return out;
}

const bullet = /^\s{0,3}[-*+]\s+/;
const ordered = /^\s{0,3}\d{1,9}\.\s+/;

/** SafeMarkdown renders approval details (at most maxDetails characters). */
export function SafeMarkdown(props: { text: string; className?: string }) {
  let text = props.text.replace(/\r\n/g, "\n");
  if ([...text].length > maxDetails) text = [...text].slice(0, maxDetails - 1).join("") + "…";
  const lines = flatten(text).split("\n");
  const blocks: ReactNode[] = [];
  let para: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;
  const flushPara = () => {
    if (para.length === 0) return;
    const k = `p${blocks.length}`;
    blocks.push(<p key={k}>{para.flatMap((l, i) => (i === 0 ? inline(l, `${k}l${i}`) : [<br key={`${k}br${i}`} />, ...inline(l, `${k}l${i}`)]))}</p>);
    para = [];
  };
  const flushList = () => {
    if (!list) return;
    const k = `l${blocks.length}`;
    const items = list.items.map((it, i) => <li key={i}>{inline(it, `${k}i${i}`)}</li>);
    blocks.push(list.ordered ? <ol key={k}>{items}</ol> : <ul key={k}>{items}</ul>);
    list = null;
  };
  for (const line of lines) {
    const b = bullet.exec(line) ?? null;
    const o = b ? null : ordered.exec(line);
    if (b || o) {
      flushPara();
      const isOrdered = !!o;
      if (list && list.ordered !== isOrdered) flushList();
      list ??= { ordered: isOrdered, items: [] };
      list.items.push(line.slice((b ?? o)![0].length));
    } else if (line.trim() === "") {
      flushPara();
      flushList();
    } else {
      flushList();
      para.push(line);
    }
  }
  flushPara();
  flushList();
  return <div className={props.className} data-markdown>{blocks}</div>;
}
