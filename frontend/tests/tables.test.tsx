import { render, screen, within } from "@testing-library/react";

import { AllocationTables, BandsTable, bandRows, TradesTable } from "@/components/ResultTables";
import type { ReportAnalysis, YearBand } from "@/lib/types";

const ANALYSIS: ReportAnalysis = {
  bases: { invested: 129057.4, cash: 6850.25, total: 135907.65, unclassified: 15122.5 },
  allocation: [
    { dimension: "asset_class", key: "equity", label: "Equity", actual_pct: 74.44, target_pct: 70, drift_pct: 4.44, base: "invested" },
    { dimension: "asset_class", key: "fixed_income", label: "Fixed income", actual_pct: 12.16, target_pct: 25, drift_pct: -12.84, base: "invested" },
    { dimension: "asset_class", key: "cash", label: "Cash", actual_pct: 5, target_pct: 5, drift_pct: 0.02, base: "invested" },
    { dimension: "asset_class", key: "commodities", label: "Commodities", actual_pct: 4.7, target_pct: null, drift_pct: null, base: "invested" },
    { dimension: "sector", key: "technology", label: "Technology", actual_pct: 21.6, target_pct: null, drift_pct: null, base: "total" },
  ],
  trades: [
    { account_name: "401k", symbol: "VTI", action: "sell", amount: 33606 },
    { account_name: null, symbol: "BND", action: "buy", amount: 1500 },
  ],
  findings: [],
};

function band(year: number, phase: YearBand["phase"] = "accumulation"): YearBand {
  return { year, age: 40 + year, phase, p10: 10_000 * year, p25: 0, p50: 135_907 + year, p75: 0, p90: 1_843_661 };
}

/** Every figure cell: right-aligned, tabular, never wrapped (a phone must not break "$135,90 / 7"). */
function expectFigures(table: HTMLElement) {
  const figures = within(table)
    .getAllByRole("cell")
    .filter((cell) => /^[$%+\u2212\-.,\d]+$/.test(cell.textContent ?? ""));
  expect(figures.length).toBeGreaterThan(0);
  for (const cell of figures) expect(cell.className.split(" ")).toEqual(expect.arrayContaining(["text-right", "tabular-nums", "whitespace-nowrap"]));
  expect(table.parentElement!.className).toContain("overflow-x-auto");
  // A keyboard can scroll it (axe: scrollable-region-focusable).
  expect(table.parentElement).toHaveAttribute("tabindex", "0");
}

describe("allocation table", () => {
  it("compares each class with its target on one named base, with the drift and a marker", () => {
    render(<AllocationTables analysis={ANALYSIS} />);

    const table = screen.getByRole("table", { name: /By asset class, as a share of invested \(\$129,057\)/ });
    expect(within(table).getByRole("row", { name: "Equity 74.4% 70.0% +4.4 Over" })).toBeInTheDocument();
    expect(within(table).getByRole("row", { name: "Fixed income 12.2% 25.0% \u221212.8 Under" })).toBeInTheDocument();
    expect(within(table).getByRole("row", { name: "Cash 5.0% 5.0% On target" })).toBeInTheDocument();
    expect(within(table).getByRole("row", { name: "Commodities 4.7% — No target" })).toBeInTheDocument();
    expectFigures(table);
  });

  it("says nothing is left out when every holding is classified", () => {
    render(<AllocationTables analysis={{ ...ANALYSIS, bases: { ...ANALYSIS.bases, unclassified: 0 } }} />);
    expect(screen.getByText(/Invested/)).not.toHaveTextContent("Left out");
  });

  it("states each base in whole dollars and leaves out a dimension with no target", () => {
    render(<AllocationTables analysis={ANALYSIS} gaps={["AAPL is not classified yet."]} />);

    expect(screen.getByText(/Invested \(classified holdings\)/)).toHaveTextContent(
      "Invested (classified holdings): $129,057 · Cash: $6,850 · Total incl. cash: $135,908 · Left out, not yet classified: $15,122",
    );
    expect(screen.getByText("AAPL is not classified yet.")).toBeInTheDocument();
    expect(screen.getAllByRole("table")).toHaveLength(1);
    expect(screen.queryByText("Technology")).toBeNull();
  });
});

describe("trades table", () => {
  it("lists each trade with its account, in whole dollars, right-aligned", () => {
    render(<TradesTable trades={ANALYSIS.trades} />);

    const table = screen.getByRole("table");
    expect(within(table).getAllByRole("columnheader").map((th) => th.textContent)).toEqual(["Account", "Trade", "Amount"]);
    expect(within(table).getByRole("row", { name: "401k Sell VTI $33,606" })).toBeInTheDocument();
    expect(within(table).getByRole("row", { name: "— Buy BND $1,500" })).toBeInTheDocument();
    expectFigures(table);
  });

  it("says when no trade is needed", () => {
    render(<TradesTable trades={[]} />);
    expect(screen.getByText(/No trades needed/)).toBeInTheDocument();
  });
});

describe("retirement bands table", () => {
  const bands = [...Array.from({ length: 12 }, (_, year) => band(year)), ...[12, 13, 14].map((year) => band(year, "retirement"))];

  it("labels the percentiles as weak, typical and strong markets, by age", () => {
    render(<BandsTable bands={bands} />);

    const table = screen.getByRole("table");
    expect(within(table).getAllByRole("columnheader").map((th) => th.textContent)).toEqual([
      "Age",
      "Weak markets",
      "Typical markets",
      "Strong markets",
    ]);
    expect(table).not.toHaveTextContent(/p10|p50|p90/);
    expect(within(table).getByRole("row", { name: "retire 52 $120,000 $135,919 $1,843,661" })).toBeInTheDocument();
    expectFigures(table);
  });

  it("keeps the start, every fifth year, the year retirement starts and the last year", () => {
    expect(bandRows(bands).map((b) => b.year)).toEqual([0, 5, 10, 12, 14]);
  });

  it("gives the years after even strong markets run out one row, not a row of $0 each", () => {
    const depleting = bands.map((b) => (b.year >= 7 ? { ...b, p10: 0, p50: 0, p90: 0 } : b));
    expect(bandRows(depleting).map((b) => b.year)).toEqual([0, 5, 7]);

    render(<BandsTable bands={depleting} />);
    expect(screen.getByRole("row", { name: "47 and later $0 $0 $0" })).toBeInTheDocument();
    expect(screen.getAllByRole("row")).toHaveLength(4);
  });

  it("counts years from now when the age is unknown", () => {
    render(<BandsTable bands={bands.map((b) => ({ ...b, age: null }))} />);
    expect(screen.getAllByRole("columnheader")[0]).toHaveTextContent("Year");
  });
});
