/** The local sign-in: any user id, by default the seeded demo user, through the dev issuer. */

import { useState, type FormEvent } from "react";

import { errorMessage } from "@/lib/api";
import { DEMO_USER_ID } from "@/lib/config";

import { Button, ErrorNotice, TextField } from "./ui";

export default function LocalSignIn({ signIn }: { signIn: (userId: string, name: string) => Promise<void> }) {
  const [userId, setUserId] = useState(DEMO_USER_ID);
  // The seeded demo user's name: the header shows the user's own name (Settings), which for a user
  // that already exists is not this field's.
  const [name, setName] = useState("Test User");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(userId.trim(), name.trim());
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-label="Sign in" className="space-y-4">
      <p className="text-sm text-slate-600">
        Local mode: tokens come from the development issuer. The user <code>{DEMO_USER_ID}</code> has
        demo accounts and positions; any other id starts empty.
      </p>
      <TextField label="User id" required maxLength={128} value={userId} onChange={(e) => setUserId(e.target.value)} />
      <TextField
        label="Name"
        hint="The name a new user id starts with; an existing user keeps theirs (change it in Settings)."
        required
        maxLength={200}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      {error && <ErrorNotice message={error} />}
      <Button type="submit" disabled={busy} className="w-full">
        {busy ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
