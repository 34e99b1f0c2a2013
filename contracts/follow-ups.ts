/** What follow-up alerts did to an incident: further targets contained, and reopenings of a resolved incident. */
/**
 * A further target that a joined follow-up alert named (another access key of the same user,
 * another principal) and the containment steps had not acted on: each of those steps runs again
 * for it as `<step>@<n>`, rendered against this alert, with the same approvals as the first.
 */
export interface FollowUpTarget<Alert> {
  /** 2 for the first further target (the opening alert's is 1), then 3… */
  readonly n: number;
  readonly at: string;
  readonly alertId?: string;
  /** What the alert names, as said to people: `aws_access_key_id AKIA…, aws_user dana-ml`. */
  readonly names: string;
  /** The step instances run for it. */
  readonly steps: readonly string[];
  /** The alert whose principal and resource the instances are rendered against. */
  readonly alert: Alert;
  /** The containment time cleared when it arrived (containment is complete again only with this target contained). */
  readonly containedAtBefore?: string;
}

/** A firing follow-up alert reopened the resolved (not yet closed) incident: the resolution it set aside. */
export interface Reopening {
  readonly at: string;
  readonly alertId?: string;
  readonly title: string;
  readonly previousResolution: { readonly by: string; readonly at: string; readonly summary: string; readonly auto?: boolean };
}
