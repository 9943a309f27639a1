/** Has no scorer export; tests check the loader names the problem. */
export const somethingElse = 1;
