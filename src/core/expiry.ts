/**
 * Memberships and tokens end the same way: with no expiry date, never; otherwise at 00:00 UTC of their
 * `expires_at` day (`YYYY-MM-DD`), so on that day they already count as ended. SQL twin: `unexpired` in `policy/sql-conditions.ts`.
 */
export function isUnexpired(expiresAt: string | null | undefined, today: string): boolean {
  return expiresAt == null || expiresAt > today;
}
