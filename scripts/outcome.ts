/** What happened to one cloud resource, as `flyte-pipeline init` reports it. */
export type Outcome = 'created' | 'already existed' | 'updated' | 'unchanged' | 'would create' | 'would update';

export interface ResourceReport {
  resource: string;
  outcome: Outcome;
  detail: string;
}

export function formatReport({ resource, outcome, detail }: ResourceReport): string {
  return `${resource.padEnd(16)} ${outcome.padEnd(16)} ${detail}`;
}
