/** The two attention masks the panel compares. */

/** Whether query `row` may attend to key `col`. */
export function maskAllows(causal: boolean, row: number, col: number): boolean {
  return !causal || col <= row;
}
