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

describe("withoutNotice", () => {
  it("drops the line repeating the notice, which the page shows as a label", () => {
    const notice = "Written without a language model.";
    expect(withoutNotice(`> ${notice}\n\n# Report`, notice)).toBe("# Report");
    expect(withoutNotice(`_${notice}_\n\n## Retirement`, notice)).toBe("## Retirement");
    expect(withoutNotice("# Report", undefined)).toBe("# Report");
  });
});
