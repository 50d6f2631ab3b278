/** What happened to one cloud resource, as `flyte-pipeline init` reports it. */
/** `not checked`: a dry run could not ask (no credentials, flytectl missing, an endpoint unreachable); its detail says why. */
export type Outcome = 'created' | 'already existed' | 'updated' | 'unchanged' | 'would create' | 'would update' | 'not checked';

export interface ResourceReport {
  resource: string;
  outcome: Outcome;
  detail: string;
}

export function formatReport({ resource, outcome, detail }: ResourceReport): string {
  return `${resource.padEnd(16)} ${outcome.padEnd(16)} ${detail}`;
}
