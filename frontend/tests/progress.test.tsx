import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { JobView } from "@/components/JobView";
import type { Job, StepStatus } from "@/lib/types";

import { ASSET_ALLOCATION, fakeFetch, job, renderSignedIn, steps } from "./fixtures";

function statuses(): Record<string, string | null> {
  const graph = screen.getByRole("group", { name: "Analysis progress" });
  return Object.fromEntries(
    within(graph)
      .getAllByRole("listitem")
      .map((node) => [node.getAttribute("data-step")!, node.getAttribute("data-status")]),
  );
}

function all(status: StepStatus) {
  return { start: status, tagging: status, report: status, charts: status, retirement: status, finalize: status };
}

const OFFLINE = "Written without a language model: offline.";

const COMPLETED: Job = job({
  status: "completed",
  steps: steps({
    start: { status: "succeeded" },
    tagging: { status: "succeeded", done: 2, total: 2 },
    report: { status: "succeeded", generated_by: "offline", notice: OFFLINE },
    charts: { status: "succeeded", generated_by: "offline", notice: OFFLINE },
    retirement: { status: "succeeded", generated_by: "offline", notice: OFFLINE },
    finalize: { status: "succeeded" },
  }),
  report_payload: { markdown: "## Executive summary\n\nAll good." },
  charts_payload: { asset_allocation: ASSET_ALLOCATION },
  retirement_payload: {
    narrative: "Your plan **works** in most paths.",
    projection: {
      success_probability: 0.873,
      target_income: 80000,
      sustainable_income: 72000,
      median_depletion_year: null,
      median_depletion_age: null,
      years_until_retirement: 2,
      retirement_years: 2,
      retirement_age: 67,
      bands: [0, 1, 2, 3, 4].map((year) => ({
        year,
        age: 65 + year,
        phase: year < 2 ? "accumulation" : "retirement",
        p10: 80000 + year,
        p25: 90000 + year,
        p50: 100000 + year * 1000,
        p75: 110000 + year,
        p90: 120000 + year,
      })),
    },
  },
  summary_payload: { text: "Portfolio value: $100,000.00." },
});

describe("progress graph", () => {
  it("shows every step pending for a job that has not started", () => {
    renderSignedIn(<JobView job={job()} onRedriven={() => {}} />);
    expect(statuses()).toEqual(all("pending"));
    expect(screen.getByRole("status")).toHaveTextContent("this page updates by itself");
  });

  it("shows a running job tagging 1 of 2 instruments", () => {
    const running = job({
      status: "running",
      steps: steps({ start: { status: "succeeded" }, tagging: { status: "running", done: 1, total: 2 } }),
    });
    renderSignedIn(<JobView job={running} onRedriven={() => {}} />);

    expect(statuses()).toEqual({ ...all("pending"), start: "succeeded", tagging: "running" });
    const tagging = screen.getByRole("listitem", { name: /Tagging \(Tag instruments\): running, 1\/2 instruments/ });
    expect(tagging).toHaveTextContent("running · 1/2");
  });

  it("counts every attempt of a step, its retried throttles included", () => {
    const retried = job({
      status: "running",
      steps: steps({
        start: { status: "succeeded", attempts: 1 },
        tagging: { status: "succeeded", attempts: 2, done: 2, total: 2 },
        charts: { status: "running", attempts: 3, error: "ModelThrottled: slow down" },
      }),
    });
    renderSignedIn(<JobView job={retried} onRedriven={() => {}} />);

    const charts = screen.getByRole("listitem", { name: "Charts (Build charts): running, 3 attempts" });
    expect(charts).toHaveTextContent("running · 3 attempts");
    screen.getByRole("listitem", { name: "Tagging (Tag instruments): succeeded, 2/2 instruments, 2 attempts" });
    // One attempt is the rule: nothing to say.
    screen.getByRole("listitem", { name: "Start (Start job): succeeded" });
  });

  it("names the failed step and its error, and retries it from there", async () => {
    const failed = job({
      status: "failed",
      failed_step: "charts",
      error_message: "InvalidModelOutput: charter gave invalid output twice",
      error_cause: "percentages sum to 99.9, not 100.0",
      steps: steps({
        start: { status: "succeeded" },
        tagging: { status: "succeeded", done: 2, total: 2 },
        report: { status: "succeeded" },
        charts: { status: "failed", error: "InvalidModelOutput" },
        retirement: { status: "succeeded" },
      }),
    });
    const api = fakeFetch(() => ({ status: 202, body: { job_id: failed.id } }));
    vi.stubGlobal("fetch", api.fetcher);
    const onRedriven = vi.fn();
    renderSignedIn(<JobView job={failed} onRedriven={onRedriven} />);

    expect(statuses()).toEqual({ ...all("succeeded"), charts: "failed", finalize: "pending" });
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("The analysis failed at Charts (Build charts).");
    expect(alert).toHaveTextContent("InvalidModelOutput: charter gave invalid output twice");

    await userEvent.click(screen.getByRole("button", { name: "Retry from failed step" }));
    expect(api.calls.map((call) => `${call.init.method} ${call.url}`)).toEqual([`POST /api/jobs/${failed.id}/redrive`]);
    expect(onRedriven).toHaveBeenCalledOnce();
    vi.unstubAllGlobals();
  });

  it("shows a branch stopped by its failed sibling as aborted, to be run again by the retry", () => {
    const failed = job({
      status: "failed",
      failed_step: "charts",
      error_message: "Crash",
      steps: steps({
        start: { status: "succeeded" },
        tagging: { status: "succeeded", done: 2, total: 2 },
        report: { status: "succeeded" },
        charts: { status: "failed", error: "Crash" },
        retirement: { status: "aborted", error: "Stopped when another branch failed" },
      }),
    });
    renderSignedIn(<JobView job={failed} onRedriven={() => {}} />);

    expect(statuses()).toEqual({ ...all("succeeded"), charts: "failed", retirement: "aborted", finalize: "pending" });
    expect(screen.getByRole("listitem", { name: /Retirement \(Project retirement\): aborted/ })).toHaveTextContent(
      "aborted",
    );
  });

  it("marks the failed step from the job when the step row was not updated", () => {
    const failed = job({ status: "failed", failed_step: "start", error_message: "StartExecution failed" });
    renderSignedIn(<JobView job={failed} onRedriven={() => {}} />);
    expect(statuses().start).toBe("failed");
    expect(screen.getByRole("alert")).toHaveTextContent("failed at Start (Start job)");
  });

  it("shows a completed job's graph and its results, labelled as written without a model", async () => {
    renderSignedIn(<JobView job={COMPLETED} onRedriven={() => {}} />);

    expect(statuses()).toEqual(all("succeeded"));
    expect(screen.queryByRole("button", { name: "Retry from failed step" })).toBeNull();
    expect(await screen.findByRole("heading", { name: "Executive summary" })).toBeInTheDocument();
    expect(screen.getByRole("figure", { name: "Asset allocation" })).toBeInTheDocument();
    expect(screen.getAllByRole("note")).toHaveLength(2); // report and charts; the retirement chart shows none of its own
    expect(screen.getAllByRole("note")[0]).toHaveTextContent("No language model: Written without a language model");
    expect(screen.getByText("Portfolio value: $100,000.00.")).toBeInTheDocument();
  });

  it("draws the retirement fan chart with its band, median, retirement mark and success probability", async () => {
    const { container } = renderSignedIn(<JobView job={COMPLETED} onRedriven={() => {}} />);
    const section = await screen.findByRole("region", { name: "Retirement projection" });

    expect(within(section).getByText("87.3%")).toBeInTheDocument();
    expect(within(section).getByRole("img", { name: /10th to 90th percentile band and median, retirement at age 67/ })).toBeInTheDocument();
    await waitFor(() => expect(container.querySelectorAll(".recharts-area-area")).toHaveLength(2));
    expect(container.querySelector(".recharts-line-curve")).not.toBeNull();
    expect(within(section).getByText("Retirement", { selector: "text, tspan" })).toBeInTheDocument();
    expect(within(section).getByText("works")).toBeInTheDocument();
  });
  it("shows offline tagging as skipped, not succeeded, with why, and the prices' source", () => {
    const skipped = job({
      status: "running",
      steps: steps({
        start: { status: "succeeded", notice: "No market-data source is configured: the stored prices are used." },
        tagging: {
          status: "skipped",
          done: 2,
          total: 2,
          skipped: ["AAPL", "NVDA"],
          generated_by: "offline",
          notice: "Skipped: no language model is configured (offline mode).",
        },
      }),
    });
    renderSignedIn(<JobView job={skipped} onRedriven={() => {}} />);

    expect(statuses().tagging).toBe("skipped");
    const tagging = screen.getByLabelText(/Tagging \(Tag instruments\): skipped, 2\/2 instruments/);
    expect(tagging).toHaveTextContent("Skipped: no language model is configured (offline mode).");
    expect(screen.getByTestId("prices-notice")).toHaveTextContent("Prices: No market-data source is configured");
  });
});
