import { render, screen } from "@testing-library/react";

import { Markdown, withoutNotice } from "@/components/Markdown";

const HOSTILE = [
  "# Portfolio report",
  "",
  "| Holding | Value |",
  "|---|---|",
  "| VTI | $10,000 |",
  "",
  "<script>alert('xss')</script>",
  "",
  "Paragraph with <img src=x onerror=alert(1)> inline.",
  "",
  "![tracker](https://tracker.example/pixel.png)",
].join("\n");

describe("Markdown report", () => {
  it("shows raw HTML as text and never renders it", () => {
    const { container } = render(<Markdown text={HOSTILE} />);

    expect(container.querySelector("script")).toBeNull();
    expect(container.querySelector("img")).toBeNull();
    expect(container).toHaveTextContent("<script>alert('xss')</script>");
    expect(container).toHaveTextContent("<img src=x onerror=alert(1)>");
  });

  it("draws GFM tables", () => {
    render(<Markdown text={HOSTILE} />);
    const table = screen.getByRole("table");
    expect(table).toHaveTextContent("HoldingValue");
    expect(screen.getByRole("cell", { name: "VTI" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Portfolio report" })).toBeInTheDocument();
  });

  it("shows an image as its alt text, so a report cannot make the browser call another host", () => {
    const { container } = render(<Markdown text={HOSTILE} />);
    expect(container).toHaveTextContent("[image: tracker]");
    expect(container.innerHTML).not.toContain("tracker.example");
  });
});

describe("Markdown tables on a phone", () => {
  it("never wraps a figure, wraps a header only between words, and right-aligns figures in tabular digits", () => {
    render(<Markdown text={"| year | age | p10 |\n|---|---|---|\n| 25 | 65 | $1,041,273 |\n| note | in today's dollars | −2.0% |"} />);

    for (const header of screen.getAllByRole("columnheader")) expect(header.className.split(" ")).toEqual(["align-bottom", "break-normal"]);
    const money = screen.getByRole("cell", { name: "$1,041,273" });
    expect(money.className.split(" ")).toEqual(["whitespace-nowrap", "text-right", "tabular-nums"]);
    expect(screen.getByRole("cell", { name: "−2.0%" }).className).toContain("text-right");
    expect(screen.getByRole("cell", { name: "in today's dollars" }).className).toBe("");
    expect(screen.getByRole("table").parentElement!.className).toContain("overflow-x-auto");
    expect(screen.getByRole("table").parentElement).toHaveAttribute("tabindex", "0");
  });
});

describe("withoutNotice", () => {
  it("drops the line repeating the notice, which the page shows as a label", () => {
    const notice = "Written without a language model.";
    expect(withoutNotice(`> ${notice}\n\n# Report`, notice)).toBe("# Report");
    expect(withoutNotice(`_${notice}_\n\n## Retirement`, notice)).toBe("## Retirement");
    expect(withoutNotice("# Report", undefined)).toBe("# Report");
  });
});
