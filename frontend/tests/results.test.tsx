import { render, screen, within } from "@testing-library/react";

import JobResults from "@/components/JobResults";
import type { Job } from "@/lib/types";

import { ASSET_ALLOCATION, job, steps } from "./fixtures";

const OFFLINE = "Written without a language model: Alex's offline mode assembled this text.";
const NOTHING_TO_CHART = "No charts yet: the portfolio has no value.";

function card(name: string): HTMLElement {
  return screen.getByRole("heading", { name, level: 2 }).closest("section")!;
}

const WRITTEN: Job = job({
  status: "completed",
  report_payload: { markdown: `> ${OFFLINE}\n\n## Executive summary\n\nAll good.`, sections: ["Executive summary"] },
  charts_payload: { asset_allocation: ASSET_ALLOCATION },
});

describe("job results", () => {
  it("labels each result its step says was written offline, and drops the repeated line", () => {
    render(
      <JobResults
        job={{
          ...WRITTEN,
          steps: steps({
            report: { status: "succeeded", generated_by: "offline", notice: OFFLINE },
            charts: { status: "succeeded", generated_by: "offline", notice: OFFLINE },
          }),
        }}
      />,
    );

    expect(within(card("Report")).getByRole("note")).toHaveTextContent(`No language model: ${OFFLINE}`);
    expect(within(card("Report")).getAllByText(OFFLINE)).toHaveLength(1);
    expect(within(card("Charts")).getByRole("note")).toHaveTextContent(OFFLINE);
    expect(screen.getByRole("figure", { name: "Asset allocation" })).toBeInTheDocument();
  });

  it("labels nothing a model wrote", () => {
    render(
      <JobResults
        job={{
          ...WRITTEN,
          steps: steps({
            report: { status: "succeeded", generated_by: "bedrock/anthropic.claude" },
            charts: { status: "succeeded", generated_by: "bedrock/anthropic.claude" },
          }),
        }}
      />,
    );

    expect(screen.queryByRole("note")).toBeNull();
    expect(screen.getAllByRole("figure")).toHaveLength(1);
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

    const charts = card("Charts");
    expect(within(charts).queryByRole("note")).toBeNull();
    expect(within(charts).queryByRole("figure")).toBeNull();
    expect(charts).toHaveTextContent(NOTHING_TO_CHART);
  });

  it("says no charts were stored when the step stored none", () => {
    render(<JobResults job={job({ status: "completed" })} />);
    expect(card("Charts")).toHaveTextContent("No charts were stored for this analysis.");
  });
});
