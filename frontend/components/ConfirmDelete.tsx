/** A delete button that asks first, in place, and can be answered from the keyboard. */

import { useEffect, useRef, useState } from "react";

import { Button } from "./ui";

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
  const [busy, setBusy] = useState(false);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) cancel.current?.focus();
  }, [asking]);

  if (!asking) {
    return (
      <Button tone="secondary" aria-label={`Delete ${what}`} onClick={() => setAsking(true)}>
        Delete
      </Button>
    );
  }
  return (
    <div
      role="alertdialog"
      aria-label={`Delete ${what}?`}
      className="flex flex-wrap items-center gap-2 rounded-lg border border-red-200 bg-red-50 p-2 text-sm text-red-900"
      onKeyDown={(event) => event.key === "Escape" && setAsking(false)}
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
            setAsking(false);
          }
        }}
      >
        {busy ? "Deleting…" : "Yes, delete"}
      </Button>
      <Button tone="secondary" ref={cancel} onClick={() => setAsking(false)}>
        Cancel
      </Button>
    </div>
  );
}
