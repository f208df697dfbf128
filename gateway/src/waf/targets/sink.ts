import type { Target } from '../types.ts';

/**
 * Collects targets up to a field budget and normalizes each value once. `full` flips when the body
 * carries more fields than the rule file allows (WAF_PROTO_009).
 */
export class TargetSink {
  readonly targets: Target[] = [];
  full = false;
  private bodyFields = 0;

  constructor(
    private readonly maxFields: number,
    private readonly normalize: (raw: string) => string,
  ) {}

  /** Adds a target; body fields count against the budget, request-line and header fields do not. */
  push(t: Omit<Target, 'value'>, countsAsField = true): void {
    if (countsAsField) {
      if (this.bodyFields >= this.maxFields) {
        this.full = true;
        return;
      }
      this.bodyFields++;
    }
    (t as Target).value = this.normalize(t.raw);
    this.targets.push(t as Target);
  }
}
