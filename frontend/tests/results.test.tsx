import { render, screen, within } from "@testing-library/react";

import JobResults from "@/components/JobResults";
import type { Job, ReportAnalysis, RetirementPayload } from "@/lib/types";

import { ASSET_ALLOCATION, job, steps } from "./fixtures";

const OFFLINE = "Written without a language model: Alex's offline mode assembled this text.";
const PRODUCED = "Written without a language model: the figures are exact, the wording is template text. Ask the person who runs Alex to set ALEX_MODEL.";
const NOTHING_TO_CHART = "No charts yet: the portfolio has no value.";

const ANALYSIS: ReportAnalysis = {
  bases: { invested: 129057, cash: 6850, total: 135907, unclassified: 0 },
  allocation: [
    { dimension: "asset_class", key: "equity", label: "Equity", actual_pct: 74.4, target_pct: 70, drift_pct: 4.4, base: "invested" },
  ],
  trades: [{ account_name: "401k", symbol: "VTI", action: "sell", amount: 33606 }],
  findings: ["North America is 86.5% of invested, 26.5 points over your 60.0% target."],
};

const RETIREMENT: RetirementPayload = {
  narrative: `_${OFFLINE}_\n\nThe plan pays in 1 in 5 markets.`,
  projection: {
    success_probability: 0.1945,
    target_income: 80000,
    sustainable_income: 25465,
    median_depletion_year: 38,
    median_depletion_age: 78,
    years_until_retirement: 1,
    retirement_years: 1,
    retirement_age: 41,
    bands: [0, 1, 2].map((year) => ({
      year,
      age: 40 + year,
      phase: year < 1 ? "accumulation" : "retirement",
      p10: 1000 * year,
      p25: 2000 * year,
      p50: 3000 * year,
      p75: 4000 * year,
      p90: 5000 * year,
    })),
  },
  verdict: { level: "off_track", success_probability: 0.1945, chance_words: "about 1 in 5" },
  improvements: [
    { kind: "contribute_more", label: "Contribute $20,000 more a year", detail: "Raises the chance to 58.1%.", success_probability: 0.581 },
  ],
  variations: [{ label: "Retire 3 years later", success_probability: 0.33, sustainable_income: 31000, retirement_age: 44, years_until_retirement: 4 }],
};

const WRITTEN: Job = job({
  status: "completed",
  steps: steps({
    report: { status: "succeeded", generated_by: "offline", notice: OFFLINE },
    charts: { status: "succeeded", generated_by: "offline", notice: OFFLINE },
    retirement: { status: "succeeded", generated_by: "offline", notice: OFFLINE },
  }),
  report_payload: { markdown: `> ${OFFLINE}\n\n## Executive summary\n\nAll good.`, sections: ["Executive summary"], analysis: ANALYSIS },
  charts_payload: { asset_allocation: ASSET_ALLOCATION },
  retirement_payload: RETIREMENT,
  summary_payload: { text: "", produced_by: { mode: "offline", model: null, message: PRODUCED } },
});

function section(name: string): HTMLElement {
  return screen.getByRole("region", { name });
}

describe("job results", () => {
  it("says how the result was produced once, from the summary, and drops every repeat", () => {
    render(<JobResults job={WRITTEN} />);

    const notes = screen.getAllByRole("note");
    expect(notes).toHaveLength(1);
    expect(notes[0]).toHaveTextContent(PRODUCED);
    expect(screen.queryByText(OFFLINE, { exact: false })).toBeNull();
  });

  it("falls back to the steps' notice, once, for a result stored before the summary said it", () => {
    render(<JobResults job={{ ...WRITTEN, summary_payload: null }} />);
    const notes = screen.getAllByRole("note");
    expect(notes).toHaveLength(1);
    expect(notes[0]).toHaveTextContent(OFFLINE);
  });

  it("labels nothing a model wrote", () => {
    render(
      <JobResults
        job={{
          ...WRITTEN,
          summary_payload: null,
          steps: steps({
            report: { status: "succeeded", generated_by: "bedrock/anthropic.claude" },
            charts: { status: "succeeded", generated_by: "bedrock/anthropic.claude" },
          }),
        }}
      />,
    );
    expect(screen.queryByRole("note")).toBeNull();
  });

  it("leads with the verdict, what would help and the findings, above the contents", () => {
    render(<JobResults job={WRITTEN} />);

    const headline = screen.getByRole("region", { name: "At a glance" });
    const contents = screen.getByRole("navigation", { name: "Sections" });
    expect(headline.compareDocumentPosition(contents) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(headline).toHaveTextContent("Off track");
    expect(headline).toHaveTextContent("Contribute $20,000 more a year");
    expect(headline).toHaveTextContent("North America is 86.5% of invested");
    // The planner's what-ifs would repeat the improvements.
    expect(screen.queryByText(/Retire 3 years later/)).toBeNull();
  });

  it("puts every section one tap from the contents", () => {
    render(<JobResults job={WRITTEN} />);

    const links = within(screen.getByRole("navigation", { name: "Sections" })).getAllByRole("link");
    expect(links.map((link) => link.textContent)).toEqual(["Allocation", "Trades", "Retirement", "Charts", "Report"]);
    for (const link of links) {
      const target = document.getElementById(link.getAttribute("href")!.slice(1));
      expect(target).toHaveAccessibleName(link.textContent!);
    }
  });

  it("draws the tables from the analysis data, and keeps the written report one click away", () => {
    render(<JobResults job={WRITTEN} />);

    expect(within(section("Allocation")).getByRole("table")).toHaveTextContent("74.4%");
    expect(within(section("Trades")).getByRole("row", { name: /Sell VTI \$33,606/ })).toBeInTheDocument();
    expect(within(section("Retirement")).getAllByRole("table")[0]).toHaveTextContent("Weak markets");
    expect(screen.getByRole("figure", { name: "Asset allocation" })).toBeInTheDocument();
    const written = within(section("Report")).getByText("Read the written report (1 section)", { exact: false });
    expect(written.closest("details")).not.toHaveAttribute("open");
    const projection = within(section("Retirement")).getByText("Read the written projection");
    expect(projection.closest("details")).toHaveTextContent("The plan pays in 1 in 5 markets.");
    expect(projection.closest("details")).not.toHaveAttribute("open");
  });

  it("says the gaps once above the charts, not on every chart", () => {
    const gap = "$500 (0.5% of the portfolio's value) is in holdings not yet classified (TSLQ).";
    const described = { ...ASSET_ALLOCATION, description: `${ASSET_ALLOCATION.description} ${gap}` };
    render(
      <JobResults
        job={{
          ...WRITTEN,
          charts_payload: { asset_allocation: described, by_account: { ...described, title: "By account" } },
          summary_payload: { ...WRITTEN.summary_payload!, gaps: [gap] },
        }}
      />,
    );
    const charts = section("Charts");
    expect(within(charts).getAllByText(gap)).toHaveLength(1);
    for (const figure of within(charts).getAllByRole("figure")) expect(figure).not.toHaveAccessibleDescription(new RegExp("TSLQ"));
    // Each chart apportions its shares to 100.0: why one share may read 0.1 apart in two charts.
    expect(within(charts).getByText(/rounded to add up to 100%/)).toBeInTheDocument();
    // Their base is the whole portfolio, not the tables': said, with the amount.
    expect(within(charts).getByText(/rounded to add up/)).toHaveTextContent(
      /^The charts' shares are of the whole portfolio \(\$135,907\), cash included, so a share can read smaller than in the allocation tables\./,
    );
  });

  it("says the charts count holdings not yet classified, which the tables leave out", () => {
    const analysis = { ...WRITTEN.report_payload!.analysis!, bases: { invested: 113934, cash: 6850, total: 120784, unclassified: 15122 } };
    render(<JobResults job={{ ...WRITTEN, report_payload: { ...WRITTEN.report_payload!, analysis } }} />);
    expect(within(section("Charts")).getByText(/rounded to add up/)).toHaveTextContent(
      "of the whole portfolio ($135,906), cash and holdings not yet classified included",
    );
  });

  it("says why there are no charts when the charts step had nothing to chart", () => {
    render(
      <JobResults
        job={job({
          status: "completed",
          charts_payload: {},
          steps: steps({ charts: { status: "succeeded", generated_by: "none", notice: NOTHING_TO_CHART } }),
        })}
      />,
    );

    const charts = section("Charts");
    expect(within(charts).queryByRole("figure")).toBeNull();
    expect(charts).toHaveTextContent(NOTHING_TO_CHART);
  });

  it("says no charts were stored when the step stored none", () => {
    render(<JobResults job={job({ status: "completed", steps: steps({ charts: { status: "succeeded" } }) })} />);
    expect(section("Charts")).toHaveTextContent("No charts were stored for this analysis.");
  });
});
