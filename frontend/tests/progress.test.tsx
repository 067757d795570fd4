import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { JobView } from "@/components/JobView";
import type { Job, StepStatus } from "@/lib/types";

import { ASSET_ALLOCATION, fakeFetch, job, renderSignedIn, steps } from "./fixtures";

function statuses(): Record<string, string | null> {
  const graph = screen.getByRole("group", { name: "Analysis progress", hidden: true });
  return Object.fromEntries(
    within(graph)
      .getAllByRole("listitem", { hidden: true })
      .map((node) => [node.getAttribute("data-step")!, node.getAttribute("data-status")]),
  );
}

function all(status: StepStatus) {
  return { start: status, tagging: status, report: status, charts: status, retirement: status, finalize: status };
}

const OFFLINE = "Written without a language model: offline.";
const PRODUCED = "Written without a language model: the figures are exact. Ask the person who runs Alex to set ALEX_MODEL.";

const T0 = Date.parse("2026-11-22T06:00:00Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();

const COMPLETED: Job = job({
  status: "completed",
  started_at: at(0),
  completed_at: at(1480),
  steps: steps({
    start: { status: "succeeded", started_at: at(0), completed_at: at(20) },
    tagging: { status: "succeeded", done: 2, total: 2, started_at: at(20), completed_at: at(120) },
    report: { status: "succeeded", generated_by: "offline", notice: OFFLINE, started_at: at(200), completed_at: at(800) },
    charts: { status: "succeeded", generated_by: "offline", notice: OFFLINE, started_at: at(200), completed_at: at(600) },
    retirement: { status: "succeeded", generated_by: "offline", notice: OFFLINE, started_at: at(200), completed_at: at(1200) },
    finalize: { status: "succeeded", started_at: at(1400), completed_at: at(1470) },
  }),
  report_payload: { markdown: `> ${OFFLINE}\n\n## Executive summary\n\nAll good.` },
  charts_payload: { asset_allocation: ASSET_ALLOCATION },
  retirement_payload: {
    narrative: `_${OFFLINE}_\n\nYour plan **works** in most paths.`,
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
  summary_payload: { text: "Portfolio value: $100,000.", produced_by: { mode: "offline", model: null, message: PRODUCED } },
});

const FAILED_AT_CHARTS: Job = job({
  status: "failed",
  failed_step: "charts",
  error_message: "InvalidModelOutput: charter gave invalid output twice",
  error_cause: "percentages sum to 99.9, not 100.0",
  steps: steps({
    start: { status: "succeeded" },
    tagging: { status: "succeeded", done: 2, total: 2 },
    report: { status: "succeeded" },
    charts: { status: "failed", error: "InvalidModelOutput" },
    retirement: { status: "aborted", error: "Stopped when another branch failed" },
  }),
  report_payload: { markdown: "## Executive summary\n\nAll good." },
});

describe("progress graph while the analysis runs", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("shows every step waiting for a job that has not started", () => {
    renderSignedIn(<JobView job={job()} onRedriven={() => {}} />);
    expect(statuses()).toEqual(all("pending"));
    expect(screen.getByRole("status")).toHaveTextContent("This page updates by itself");
    expect(screen.getByRole("listitem", { name: "Prepare: Waiting" })).toBeInTheDocument();
  });

  it("names the steps in plain words, never the Step Functions states", () => {
    renderSignedIn(<JobView job={job()} onRedriven={() => {}} />);
    const graph = screen.getByRole("group", { name: "Analysis progress" });
    for (const label of ["Prepare", "Classify holdings", "Report", "Charts", "Retirement", "Save results"]) {
      expect(within(graph).getByText(label)).toBeInTheDocument();
    }
    expect(graph).not.toHaveTextContent(/Start job|Finalize job|succeeded|pending/);
  });

  it("counts the holdings being classified with their unit, and the time, live", () => {
    vi.useFakeTimers({ now: T0 + 3000, toFake: ["Date", "setInterval", "clearInterval"] });
    const running = job({
      status: "running",
      started_at: at(0),
      steps: steps({
        start: { status: "succeeded", started_at: at(0), completed_at: at(400) },
        tagging: { status: "running", done: 1, total: 3, started_at: at(500) },
      }),
    });
    renderSignedIn(<JobView job={running} onRedriven={() => {}} />);

    expect(statuses()).toEqual({ ...all("pending"), start: "succeeded", tagging: "running" });
    expect(screen.getByRole("listitem", { name: "Prepare: Done · 0.4 s" })).toBeInTheDocument();
    expect(screen.getByRole("listitem", { name: "Classify holdings: Running · 2.5 s · 1 of 3 holdings" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Running for 3.0 s · 1 of 6 steps done");

    act(() => {
      vi.advanceTimersByTime(2000);
    });
    expect(screen.getByRole("listitem", { name: "Classify holdings: Running · 4.5 s · 1 of 3 holdings" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Running for 5.0 s");
  });

  it("counts every attempt of a step, its retried throttles included", () => {
    const retried = job({
      status: "running",
      steps: steps({
        start: { status: "succeeded", attempts: 1 },
        tagging: { status: "succeeded", attempts: 2, done: 1, total: 1 },
        charts: { status: "running", attempts: 3, error: "ModelThrottled: slow down" },
      }),
    });
    renderSignedIn(<JobView job={retried} onRedriven={() => {}} />);

    expect(screen.getByRole("listitem", { name: "Charts: Running · 3 attempts" })).toHaveTextContent("Running · 3 attempts");
    screen.getByRole("listitem", { name: "Classify holdings: Done · 1 of 1 holding · 2 attempts" });
    // One attempt is the rule: nothing to say.
    screen.getByRole("listitem", { name: "Prepare: Done" });
  });

  it("shows offline tagging as skipped, not done, with why", () => {
    const skipped = job({
      status: "running",
      steps: steps({
        start: { status: "succeeded" },
        tagging: {
          status: "skipped",
          done: 2,
          total: 2,
          skipped: ["AAPL", "NVDA"],
          generated_by: "offline",
          notice: "No language model is configured (offline mode).",
        },
      }),
    });
    renderSignedIn(<JobView job={skipped} onRedriven={() => {}} />);

    expect(statuses().tagging).toBe("skipped");
    const tagging = screen.getByRole("listitem", { name: "Classify holdings: Skipped · 2 of 2 holdings not classified" });
    // The status once, how many were left undone (not "2 of 2", which reads as done), then why.
    expect(tagging).toHaveTextContent("Skipped · 2 of 2 holdings not classifiedNo language model is configured (offline mode).");
    expect(tagging).not.toHaveTextContent(/skipped.*skipped/i);
  });
});

describe("a finished analysis", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("folds the graph into one line with the total time, one click from the steps and their times", async () => {
    renderSignedIn(<JobView job={COMPLETED} onRedriven={() => {}} />);

    const summary = screen.getByText("Finished in 1.5 s · 6 steps", { exact: false });
    const fold = summary.closest("details")!;
    expect(fold).not.toHaveAttribute("open");
    expect(statuses()).toEqual(all("succeeded"));

    await userEvent.click(summary);
    expect(fold).toHaveAttribute("open");
    expect(screen.getByRole("listitem", { name: "Retirement: Done · 1.0 s" })).toBeVisible();
    expect(screen.getByRole("listitem", { name: "Classify holdings: Done · 0.1 s · 2 of 2 holdings" })).toBeVisible();
  });

  it("says how the result was produced once, at the top, and nowhere else", async () => {
    renderSignedIn(<JobView job={COMPLETED} onRedriven={() => {}} />);

    expect(await screen.findByRole("heading", { name: "Executive summary" })).toBeInTheDocument();
    const notes = screen.getAllByRole("note");
    expect(notes).toHaveLength(1);
    expect(notes[0]).toHaveTextContent(PRODUCED);
    expect(screen.queryByText(OFFLINE, { exact: false })).toBeNull();
    expect(screen.getByRole("figure", { name: "Asset allocation" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Retry from where it stopped" })).toBeNull();
  });

  it("draws the retirement fan chart with its band, median, retirement mark and success probability", async () => {
    const { container } = renderSignedIn(<JobView job={COMPLETED} onRedriven={() => {}} />);
    const section = await screen.findByRole("region", { name: "Retirement projection" });

    expect(within(section).getByText("87.3%")).toBeInTheDocument();
    expect(within(section).getByRole("img", { name: /from weak to strong markets \(10th to 90th percentile\) and in typical markets \(median\), retirement at age 67/ })).toBeInTheDocument();
    await waitFor(() => expect(container.querySelectorAll(".recharts-area-area")).toHaveLength(2));
    expect(container.querySelector(".recharts-line-curve")).not.toBeNull();
    expect(within(screen.getByRole("region", { name: "Retirement" })).getByText("works")).toBeInTheDocument();
  }, 15_000);
});

describe("a failed analysis", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("says in plain words what failed, keeps the raw error behind a toggle, and retries as the primary action", async () => {
    const api = fakeFetch(() => ({ status: 202, body: { job_id: FAILED_AT_CHARTS.id } }));
    vi.stubGlobal("fetch", api.fetcher);
    const onRedriven = vi.fn();
    renderSignedIn(<JobView job={FAILED_AT_CHARTS} onRedriven={onRedriven} />);

    const alert = screen.getByRole("alert");
    expect(within(alert).getByRole("heading")).toHaveTextContent("The analysis stopped while drawing the charts.");
    const raw = within(alert).getByText(/InvalidModelOutput: charter gave invalid output twice/);
    expect(raw).not.toBeVisible();
    expect(raw.closest("details")).toHaveTextContent("Technical details");
    expect(raw).toHaveTextContent("percentages sum to 99.9, not 100.0");

    const retry = within(alert).getByRole("button", { name: "Retry from where it stopped" });
    expect(retry.className).toContain("bg-sky-700");
    expect(retry.className).not.toContain("bg-red");
    await userEvent.click(retry);
    expect(api.calls.map((call) => `${call.init.method} ${call.url}`)).toEqual([`POST /api/jobs/${FAILED_AT_CHARTS.id}/redrive`]);
    expect(onRedriven).toHaveBeenCalledOnce();
  });

  it("shows the sections that succeeded, and says why the others are missing", async () => {
    renderSignedIn(<JobView job={FAILED_AT_CHARTS} onRedriven={() => {}} />);

    expect(await screen.findByRole("heading", { name: "Executive summary" })).toBeInTheDocument();
    expect(screen.getByRole("region", { name: "Charts" })).toHaveTextContent("Not available: the analysis failed while drawing the charts.");
    expect(screen.getByRole("region", { name: "Retirement" })).toHaveTextContent("Not available: stopped when Charts failed. A retry runs it again.");
    expect(screen.getByText("Stopped after", { exact: false })).toHaveTextContent("3 of 6 steps done");
    expect(statuses()).toEqual({ ...all("succeeded"), charts: "failed", retirement: "aborted", finalize: "pending" });
  });

  it("says a branch still under way is finishing, and shows it once it lands", async () => {
    const settling = { ...FAILED_AT_CHARTS, steps: { ...FAILED_AT_CHARTS.steps, retirement: { status: "running" as const } } };
    renderSignedIn(<JobView job={settling} onRedriven={() => {}} />);
    expect(await screen.findByRole("region", { name: "Retirement" })).toHaveTextContent(
      "Still projecting your retirement: it was under way when the analysis stopped.",
    );
    expect(screen.getByRole("alert")).toHaveTextContent("What finished is shown below and kept.");
  });

  it("marks the failed step from the job when the step row was not updated, with no empty results", () => {
    const failed = job({ status: "failed", failed_step: "start", error_message: "StartExecution failed" });
    renderSignedIn(<JobView job={failed} onRedriven={() => {}} />);
    expect(statuses().start).toBe("failed");
    expect(screen.getByRole("alert")).toHaveTextContent("The analysis stopped while preparing your portfolio's figures.");
    expect(screen.queryByRole("navigation", { name: "Sections" })).toBeNull();
    expect(screen.getByRole("alert")).not.toHaveTextContent("shown below");
  });
});
