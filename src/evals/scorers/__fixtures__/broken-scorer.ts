/** A custom scorer whose results are out of range; tests check it is recorded as unscored. */
export const scorer = {
  name: 'broken',
  async score() {
    return { status: 'scored', score: 7 };
  },
};
