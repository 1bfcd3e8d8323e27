/**
 * Results shipped with the app for the compare view: every device the project has measured, each a
 * real report of the benchmark (its date and runtime inside), read through the same checks as a link.
 */
import type { BenchReport } from './report';

export const REFERENCE_RESULTS: BenchReport[] = [];
