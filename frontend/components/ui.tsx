/** Small building blocks every page uses: cards, buttons, fields, and the three states of data. */

import Link from "next/link";
import type { ComponentProps, InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from "react";

import type { JobStatus, StepState, StepStatus } from "@/lib/types";

export function Card({ title, children, actions }: { title?: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
      {(title || actions) && (
        <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
          {title && <h2 className="text-lg font-semibold text-slate-900">{title}</h2>}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}

type Tone = "primary" | "secondary" | "danger";
const TONES: Record<Tone, string> = {
  primary: "bg-sky-700 text-white hover:bg-sky-800 disabled:bg-sky-300",
  secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 disabled:text-slate-400",
  danger: "bg-red-700 text-white hover:bg-red-800 disabled:bg-red-300",
};

export function Button({
  tone = "primary",
  className = "",
  type = "button",
  ...props
}: ComponentProps<"button"> & { tone?: Tone }) {
  return (
    <button
      type={type}
      className={`inline-flex min-h-10 items-center justify-center rounded-lg px-4 py-2 text-sm font-medium disabled:cursor-not-allowed ${TONES[tone]} ${className}`}
      {...props}
    />
  );
}

const inputClass =
  "mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm focus:border-sky-600";

export function TextField({ label, hint, ...props }: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: string }) {
  return (
    <label className="block text-sm font-medium text-slate-700">
      {label}
      <input className={inputClass} {...props} />
      {hint && <span className="mt-1 block text-xs font-normal text-slate-500">{hint}</span>}
    </label>
  );
}

export function SelectField({
  label,
  options,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & { label: string; options: { value: string; label: string }[] }) {
  return (
    <label className="block text-sm font-medium text-slate-700">
      {label}
      <select className={inputClass} {...props}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" className="animate-pulse py-6 text-slate-500">
      Loading {what}…
    </p>
  );
}

export function ErrorNotice({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-800">
      <p>{message}</p>
      {onRetry && (
        <button type="button" onClick={onRetry} className="mt-2 font-medium underline">
          Try again
        </button>
      )}
    </div>
  );
}

/** What a link named and Alex could not find (a mistyped address, another user's record), and the
 * way back: shown instead of the API's refusal, which a retry could not change. */
export function NotFound({ what, back, backLabel }: { what: string; back: string; backLabel: string }) {
  return (
    <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-950">
      <p className="font-semibold">{what}</p>
      <p className="mt-1 text-sm">
        The link may be mistyped, or what it named was deleted or belongs to another user.{" "}
        <Link href={back} className="font-medium text-sky-800 underline">
          {backLabel}
        </Link>
      </p>
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-slate-600">{children}</div>;
}

const STATUS_STYLE: Record<JobStatus | StepStatus, string> = {
  pending: "bg-slate-100 text-slate-700",
  running: "bg-sky-100 text-sky-800",
  succeeded: "bg-emerald-100 text-emerald-800",
  completed: "bg-emerald-100 text-emerald-800",
  failed: "bg-red-100 text-red-800",
  aborted: "bg-amber-100 text-amber-900",
  skipped: "bg-slate-200 text-slate-800",
};

export function StatusBadge({ status }: { status: JobStatus | StepStatus }) {
  return (
    <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_STYLE[status]}`}>
      {status}
    </span>
  );
}

/** A chart's tooltip: dark text on white (well above 4.5:1), the point's name, then its figures. */
export function TooltipBox({ title, lines }: { title: string; lines: string[] }) {
  return (
    <div className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-md">
      <p className="font-semibold">{title}</p>
      {lines.map((line) => (
        <p key={line} className="tabular-nums">
          {line}
        </p>
      ))}
    </div>
  );
}

/** A step's notice when its result was written without a language model. */
export function offlineNotice(step: StepState | undefined): string | undefined {
  return step?.generated_by === "offline" ? (step.notice ?? undefined) : undefined;
}
