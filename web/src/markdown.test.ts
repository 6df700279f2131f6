import { describe, expect, it } from "vitest";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { SafeMarkdown, flatten } from "./markdown";

const html = (s: string) => renderToStaticMarkup(createElement(SafeMarkdown, { text: s }));

describe("approval details markdown", () => {
  it("keeps bold, italic, lists and line breaks", () => {
    expect(html("**Total** is *due*\nnext line")).toBe('<div data-markdown="true"><p><strong>Total</strong> is <em>due</em><br/>next line</p></div>');
    expect(html("- one\n- two\n\n1. first")).toBe('<div data-markdown="true"><ul><li>one</li><li>two</li></ul><ol><li>first</li></ol></div>');
  });
  it("leaves underscores inside words alone", () => {
    expect(html("file_name_here and __bold__ and _it_")).toBe('<div data-markdown="true"><p>file_name_here and <strong>bold</strong> and <em>it</em></p></div>');
  });
  it("shows links and images as text, as the cards do", () => {
    expect(flatten("[invoice](https://contoso.example/i/1)")).toBe("invoice (https://contoso.example/i/1)");
    expect(flatten("[https://a.example](https://a.example)")).toBe("https://a.example");
    expect(flatten("![logo](https://x.example/l.png)")).toBe("logo");
    expect(html("[click](javascript:alert(1))")).not.toContain("<a");
  });
  it("never interprets HTML", () => {
    const out = html('<script>alert(1)</script> <img src=x onerror="alert(2)"> **<b>x</b>**');
    expect(out).not.toContain("<script");
    expect(out).not.toContain("<img");
    expect(out).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(out).toContain("<strong>&lt;b&gt;x&lt;/b&gt;</strong>");
  });
  it("trims to 3,000 characters", () => {
    expect(html("a".repeat(5000)).length).toBeLessThan(3100);
  });
});
