/**
 * Markdown from the agents, with GFM tables. Raw HTML is never rendered: react-markdown turns it
 * into text, and images become their alt text so a report cannot make the browser call any host.
 */

import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";

const components: Components = {
  img: ({ alt }) => <span>{alt ? `[image: ${alt}]` : ""}</span>,
  a: ({ href, children }) => (
    <a href={href} rel="noopener noreferrer nofollow" target="_blank">
      {children}
    </a>
  ),
  table: ({ children }) => (
    <div className="overflow-x-auto">
      <table>{children}</table>
    </div>
  ),
};

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
