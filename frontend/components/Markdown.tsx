/**
 * Markdown from the agents, with GFM tables. Raw HTML is never rendered: react-markdown turns it
 * into text, and images become their alt text so a report cannot make the browser call any host.
 */

import type { ReactNode } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";

const components: Components = {
  img: ({ alt }) => <span>{alt ? `[image: ${alt}]` : ""}</span>,
  a: ({ href, children }) => (
    <a href={href} rel="noopener noreferrer nofollow" target="_blank">
      {children}
    </a>
  ),
  // A wide table scrolls inside the page; a figure never breaks across lines.
  // Focusable, so a keyboard can scroll a table wider than the screen.
  table: ({ children }) => (
    <div className="overflow-x-auto" tabIndex={0}>
      <table>{children}</table>
    </div>
  ),
  // A header wraps between its words ("Strong / markets"), never inside one: a phone fits the
  // projection's four columns.
  th: ({ children, style }) => (
    <th style={style} className="align-bottom break-normal">
      {children}
    </th>
  ),
  td: ({ children, style }) => (
    <td style={style} className={isFigure(children) ? "whitespace-nowrap text-right tabular-nums" : undefined}>
      {children}
    </td>
  ),
};

/** A cell holding only a number: an amount, a share, a year. */
function isFigure(children: ReactNode): boolean {
  return typeof children === "string" && /\d/.test(children) && /^[\s$%+\-\u2212.,\d]+$/.test(children);
}

/** The text without the line that repeats `notice`, which the page already shows as a label. */
export function withoutNotice(text: string, notice: string | undefined): string {
  if (!notice) return text;
  return text
    .split("\n")
    .filter((line) => line.replace(/^[>\s_*]+|[\s_*]+$/g, "") !== notice)
    .join("\n")
    .trimStart();
}

export function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={[remarkGfm]} skipHtml={false} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
