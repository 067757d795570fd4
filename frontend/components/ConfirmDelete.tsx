/** A delete button that asks first, and can be answered from the keyboard. */

import { useEffect, useRef, useState } from "react";

import { Button } from "./ui";

/** The question itself, focused on "Cancel" when it opens; Escape answers no. A table shows it in a
 * row of its own, so asking never pushes the row's columns sideways. */
export function DeleteQuestion({
  what,
  question,
  onConfirm,
  onCancel,
}: {
  what: string;
  question: string;
  onConfirm: () => Promise<void>;
  onCancel: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);

  return (
    <div
      role="alertdialog"
      aria-label={`Delete ${what}?`}
      className="flex flex-wrap items-center gap-2 rounded-lg border border-red-200 bg-red-50 p-2 text-sm text-red-900"
      onKeyDown={(event) => event.key === "Escape" && onCancel()}
    >
      <span>{question}</span>
      <Button
        tone="danger"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
            onCancel();
          }
        }}
      >
        {busy ? "Deleting…" : "Yes, delete"}
      </Button>
      <Button tone="secondary" ref={cancel} onClick={onCancel}>
        Cancel
      </Button>
    </div>
  );
}

/** The Delete button, replaced by its question in place. */
export function ConfirmDelete({
  what,
  question,
  onConfirm,
}: {
  /** Names the thing on the button, for screen readers ("Delete 401k"). */
  what: string;
  question: string;
  onConfirm: () => Promise<void>;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <Button tone="secondary" aria-label={`Delete ${what}`} onClick={() => setAsking(true)}>
        Delete
      </Button>
    );
  }
  return <DeleteQuestion what={what} question={question} onConfirm={onConfirm} onCancel={() => setAsking(false)} />;
}
