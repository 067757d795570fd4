import { render, screen, within } from "@testing-library/react";

import { ChartView, groupSmallSlices, PointTooltip } from "@/components/ChartView";
import { BandTooltip, RetirementChart } from "@/components/RetirementChart";
import { BAR_HUE } from "@/lib/colors";
import type { Chart, ChartType, RetirementPayload } from "@/lib/types";

import { ASSET_ALLOCATION } from "./fixtures";

const SECTORS: Chart = {
  title: "Sector breakdown",
  description: "Chosen without a language model. Exposure to each economic sector.",
  type: "pie",
  data: [
    { name: "Technology", value: 60000, percentage: 60, color: "#0072B2" },
    { name: "Consumer Discretionary", value: 37600, percentage: 37.6, color: "#D55E00" },
    { name: "Utilities", value: 1500, percentage: 1.5, color: "#DDCC77" },
    { name: "Energy", value: 700, percentage: 0.7, color: "#332288" },
    { name: "Materials", value: 200, percentage: 0.2, color: "#F0E442" },
  ],
};

describe("ChartView", () => {
  it.each<ChartType>(["pie", "donut"])("draws a %s chart's slices in the payload's colours, one per category", (type) => {
    const { container } = render(<ChartView id="asset_allocation" chart={{ ...ASSET_ALLOCATION, type }} />);

    const figure = screen.getByRole("figure", { name: "Asset allocation" });
    expect(figure).toHaveAccessibleDescription("Where the money is, by asset class.");
    expect(figure).toHaveAttribute("data-chart-type", type);
    expect(screen.getByRole("img", { name: /Asset allocation: Equity 70\.0%, Fixed income 25\.0%, Cash 5\.0%/ })).toBeInTheDocument();

    const legend = within(figure).getAllByRole("listitem");
    expect(legend.map((item) => item.textContent)).toEqual([
      "Equity$70,000 · 70.0%",
      "Fixed income$25,000 · 25.0%",
      "Cash$5,000 · 5.0%",
    ]);
    const fills = [...container.querySelectorAll(".recharts-pie-sector path")].map((shape) => shape.getAttribute("fill"));
    expect(fills).toEqual(["#0072B2", "#E69F00", "#009E73"]);
  });

  it.each<ChartType>(["bar", "horizontalBar"])("draws a %s chart's bars in one hue, with a titled value axis", (type) => {
    const { container } = render(<ChartView id="asset_allocation" chart={{ ...ASSET_ALLOCATION, type }} />);

    const fills = [...container.querySelectorAll(".recharts-bar-rectangle path")].map((shape) => shape.getAttribute("fill"));
    expect(fills).toEqual([BAR_HUE, BAR_HUE, BAR_HUE]);
    expect(container.querySelector(".recharts-label")).toHaveTextContent("Value ($)");
    // No colour key for bars of one hue: the legend lists the figures.
    expect(screen.getAllByRole("listitem")[0]!.querySelector("[aria-hidden]")).toBeNull();
  });

  it("leaves a hole in a donut and none in a pie", () => {
    const { container: donut } = render(<ChartView id="d" chart={{ ...ASSET_ALLOCATION, type: "donut" }} />);
    const { container: pie } = render(<ChartView id="p" chart={ASSET_ALLOCATION} />);
    const path = (root: HTMLElement) => root.querySelector(".recharts-pie-sector path")!.getAttribute("d")!;
    // A donut's sectors trace an inner arc back (two arcs); a pie's close at the centre (one).
    expect(path(donut).match(/A/g)!.length).toBeGreaterThan(path(pie).match(/A/g)!.length);
  });

  it("groups slices under 2% as one grey Other, names what it holds, and cuts no label", () => {
    const { container } = render(<ChartView id="sector_breakdown" chart={SECTORS} />);

    const legend = screen.getAllByRole("listitem");
    expect(legend.map((item) => item.textContent)).toEqual([
      "Technology$60,000 · 60.0%",
      "Consumer Discretionary$37,600 · 37.6%",
      "OtherUtilities, Energy, Materials$2,400 · 2.4%",
    ]);
    for (const item of legend) expect(item.querySelector(".truncate")).toBeNull();
    expect(container.querySelectorAll(".recharts-pie-sector")).toHaveLength(3);
    // The described figure still names every category.
    expect(screen.getByRole("img", { name: /Materials 0\.2%/ })).toBeInTheDocument();
  });

  it("shows whole dollars that add up to the chart's total", () => {
    const unclassified = {
      ...SECTORS,
      data: [
        { name: "AAPL", value: 11493.5, percentage: 76.0, color: "#0072B2" },
        { name: "NVDA", value: 3628.6, percentage: 24.0, color: "#D55E00" },
      ],
    };
    render(<ChartView id="top_holdings" chart={unclassified} />);
    // $15,122.10 in all: alone, they would read $11,494 + $3,629 = $15,123.
    expect(screen.getAllByRole("listitem").map((item) => item.textContent)).toEqual(["AAPL$11,493 · 76.0%", "NVDA$3,629 · 24.0%"]);
  });

  it("drops the per-chart 'Chosen without a language model' (the results say it once)", () => {
    render(<ChartView id="sector_breakdown" chart={SECTORS} />);
    expect(screen.getByRole("figure")).toHaveAccessibleDescription("Exposure to each economic sector.");
  });

  it("drops from its description the sentences the page already said above the charts", () => {
    const gap = "$500 (0.5% of the portfolio's value) is in holdings not yet classified (TSLQ).";
    render(<ChartView id="sector_breakdown" chart={{ ...SECTORS, description: `${SECTORS.description} ${gap}` }} said={[gap]} />);
    expect(screen.getByRole("figure")).toHaveAccessibleDescription("Exposure to each economic sector.");
  });

  it("shows a tooltip as the point's name and its figures, dark on white", () => {
    const point = ASSET_ALLOCATION.data[0]!;
    render(<PointTooltip active payload={[{ payload: point, value: point.value, name: "value" }] as never} />);
    const box = screen.getByText("Equity").parentElement!;
    expect(box).toHaveTextContent(/^Equity\$70,000 · 70\.0%$/);
    expect(box).toHaveClass("bg-white", "text-slate-900");
  });
});

describe("groupSmallSlices", () => {
  const point = (name: string, percentage: number) => ({ name, value: percentage * 100, percentage, color: "#000000" });

  it("keeps a lone small slice under its own name", () => {
    const points = [point("Equity", 99.2), point("Cash", 0.8)];
    expect(groupSmallSlices(points)).toEqual(points);
  });

  it("folds the chart's own Other into the group, and the shares still sum to 100", () => {
    const grouped = groupSmallSlices([point("Equity", 97.1), point("Other", 1.3), point("Gold", 0.9), point("Oil", 0.7)]);
    expect(grouped.map((slice) => [slice.name, slice.percentage, slice.parts])).toEqual([
      ["Equity", 97.1, undefined],
      ["Other", 2.9, ["Gold", "Oil"]],
    ]);
  });
});

const RETIREMENT: RetirementPayload = {
  narrative: "Written without a language model: offline.\n\nYour plan works in most paths.",
  projection: {
    success_probability: 0.873,
    target_income: 80000,
    sustainable_income: 72000,
    median_depletion_year: null,
    median_depletion_age: null,
    years_until_retirement: 2,
    retirement_years: 2,
    retirement_age: 67,
    bands: [0, 1, 2, 3, 4].map((year) => ({ year, age: 65 + year, phase: year < 2 ? "accumulation" : "retirement", p10: 80000, p25: 90000, p50: 1_250_000, p75: 110000, p90: 120000 })),
  },
};

describe("RetirementChart", () => {
  it("titles both axes and shows no notice of its own", () => {
    const { container } = render(<RetirementChart payload={RETIREMENT} notice="Written without a language model: offline." />);

    const titles = [...container.querySelectorAll(".recharts-label")].map((label) => label.textContent);
    expect(titles).toEqual(expect.arrayContaining(["Age", "Balance (today's $)"]));
    expect(screen.queryByRole("note")).toBeNull();
    expect(screen.queryByText(/Written without a language model/)).toBeNull();
  });

  it("shows a year's balances in words in a dark-on-white tooltip", () => {
    render(
      <BandTooltip
        active
        label={70}
        axisName="Age"
        payload={[{ payload: { x: 70, outer: [80000, 2_100_000], inner: [900000, 1_500_000], median: 1_250_000 } }] as never}
      />,
    );
    const box = screen.getByText("Age 70").parentElement!;
    expect([...box.querySelectorAll("p")].map((line) => line.textContent)).toEqual([
      "Age 70",
      "Typical markets: $1.3M",
      "Middle half: $900k – $1.5M",
      "Weak to strong markets: $80k – $2.1M",
    ]);
    expect(box).toHaveClass("bg-white", "text-slate-900");
  });
});
