import { z } from 'zod';

const DEFAULT_PATH = '.switchyard/switchyard.db';
const postgresUrl = z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'expected a postgres:// or postgresql:// URL');

const sqliteStorageSchema = z
  .object({ type: z.literal('sqlite'), path: z.string().min(1).default(DEFAULT_PATH) })
  .strict();
const postgresStorageSchema = z.object({ type: z.literal('postgres'), url: postgresUrl }).strict();

/**
 * `storage: { url }` shorthand: `postgres://…` or `sqlite:///absolute/path.db`,
 * `sqlite://relative/path.db`, `sqlite::memory:`.
 */
const storageUrlSchema = z
  .object({ url: z.string().regex(/^(postgres(ql)?:\/\/|sqlite:)\S+$/, 'expected a postgres:// or sqlite: URL') })
  .strict()
  .transform(({ url }): StorageConfig => {
    if (!url.startsWith('sqlite:')) return { type: 'postgres', url };
    const rest = url.slice('sqlite:'.length);
    return { type: 'sqlite', path: rest.startsWith('//') ? rest.slice(2) : rest };
  });

/**
 * The `storage` section: where the request log lives. SQLite (a file under `.switchyard/`) is the
 * embedded default; PostgreSQL is for several replicas or long retention.
 */
export const storageConfigSchema = z.union([
  z.discriminatedUnion('type', [sqliteStorageSchema, postgresStorageSchema]),
  storageUrlSchema,
]);

export type StorageConfig =
  | { type: 'sqlite'; path?: string | undefined }
  | { type: 'postgres'; url: string };
export type RawStorageConfig = z.input<typeof storageConfigSchema>;
