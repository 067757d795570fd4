import { render, screen, within } from "@testing-library/react";

import { AllocationTables, BandsTable, bandRows, TradesTable } from "@/components/ResultTables";
import type { ReportAnalysis, YearBand } from "@/lib/types";

const ANALYSIS: ReportAnalysis = {
  band: 5,
  bases: { invested: 113934, cash: 6850, total: 120784, unclassified: 15122 },
  allocation: [
    { dimension: "asset_class", key: "equity", label: "Equity", actual_pct: 74.44, target_pct: 70, drift_pct: 4.44, outside_band: false, base: "total" },
    { dimension: "asset_class", key: "fixed_income", label: "Fixed income", actual_pct: 12.16, target_pct: 25, drift_pct: -12.84, outside_band: true, base: "total" },
    { dimension: "asset_class", key: "cash", label: "Cash", actual_pct: 5, target_pct: 5, drift_pct: 0.02, outside_band: false, base: "total" },
    { dimension: "asset_class", key: "commodities", label: "Commodities", actual_pct: 4.7, target_pct: null, drift_pct: null, outside_band: null, base: "total" },
    { dimension: "asset_class", key: "real_estate", label: "Real estate", actual_pct: 11, target_pct: 5, drift_pct: 6, outside_band: true, base: "total" },
    {
      dimension: "region",
      key: "international",
      label: "International",
      actual_pct: 13.5,
      target_pct: 40,
      drift_pct: -26.5,
      outside_band: true,
      base: "invested",
      covers: ["Global", "Europe"],
    },
    { dimension: "sector", key: "technology", label: "Technology", actual_pct: 21.6, target_pct: null, drift_pct: null, outside_band: null, base: "invested" },
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
  it("compares each class with its target on one named base, marking only drift beyond the band", () => {
    render(<AllocationTables analysis={ANALYSIS} />);

    const table = screen.getByRole("table", { name: /By asset class, as a share of classified holdings and cash \(\$120,784\)/ });
    expect(within(table).getByRole("row", { name: "Equity 74.4% 70.0% +4.4 Within band" })).toBeInTheDocument();
    expect(within(table).getByRole("row", { name: "Fixed income 12.2% 25.0% \u221212.8 Under" })).toBeInTheDocument();
    expect(within(table).getByRole("row", { name: "Real estate 11.0% 5.0% +6.0 Over" })).toBeInTheDocument();
    expect(within(table).getByRole("row", { name: "Cash 5.0% 5.0% On target" })).toBeInTheDocument();
    expect(within(table).getByRole("row", { name: "Commodities 4.7% — No target" })).toBeInTheDocument();
    expectFigures(table);
  });

  it("marks drift over or under when an older analysis does not say where the band is", () => {
    const rows = ANALYSIS.allocation.map((row) => ({ ...row, outside_band: undefined }));
    render(<AllocationTables analysis={{ ...ANALYSIS, band: undefined, allocation: rows }} />);
    expect(screen.getByRole("row", { name: "Equity 74.4% 70.0% +4.4 Over" })).toBeInTheDocument();
    expect(screen.getByText(/holdings are worth/)).not.toHaveTextContent("band");
  });

  it("names the regions International counts, as the region chart shows them", () => {
    render(<AllocationTables analysis={ANALYSIS} />);
    const table = screen.getByRole("table", { name: /By region, as a share of classified holdings \(\$113,934\)/ });
    expect(within(table).getByRole("rowheader", { name: "International Outside North America: Global, Europe" })).toBeInTheDocument();
  });

  it("drops 'classified' from the bases when every holding is classified", () => {
    render(<AllocationTables analysis={{ ...ANALYSIS, bases: { ...ANALYSIS.bases, unclassified: 0 } }} />);
    expect(screen.getByText(/holdings are worth/)).toHaveTextContent(/^Your holdings are worth \$113,934/);
    expect(screen.getByRole("table", { name: /By asset class, as a share of holdings and cash/ })).toBeInTheDocument();
  });

  it("states the bases in whole dollars that add up, and the band", () => {
    render(<AllocationTables analysis={ANALYSIS} gaps={["AAPL is not classified yet."]} />);

    expect(screen.getByText(/holdings are worth/)).toHaveTextContent(
      "Your classified holdings are worth $113,934 and your cash $6,850: $120,784 together. Each table says which its shares are of." +
        " A share within 5 points of its target is within the band; only those over or under need trades.",
    );
    expect(screen.getByText("AAPL is not classified yet.")).toBeInTheDocument();
    expect(screen.getAllByRole("table")).toHaveLength(2);
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
