/**
 * `npm run aimass -- <command>`: the command-line client.
 *
 *   datasets push FILE --name OWNER/NAME [--format csv|tsv|jsonl|parquet] [--ragged-rows reject|pad] [--decimal D] [--thousands T]
 *   models push DIR --name OWNER/NAME [--create] [--card FILE] [--publish]
 *
 * Talks to the hub at --hub (or AIMASS_HUB_URL, default http://localhost:4000) with --token (or
 * AIMASS_TOKEN: a session token or an API key with datasets:write / models:write). Files are
 * streamed, never read whole, with a progress bar on stderr; the hub's answer is printed as JSON
 * on stdout. Exit codes: 0 done, 1 the hub refused (its error is printed), 64 bad command line.
 */
import { cliEnvironment } from './config.js';
import { pushDataset } from './push-dataset.js';
import { pushModel } from './push-model.js';
import { UsageError } from './upload.js';

const USAGE = `Usage: npm run aimass -- datasets push FILE --name OWNER/NAME [--format csv|tsv|jsonl|parquet] [--ragged-rows reject|pad]
                      [--decimal point|comma] [--thousands none|comma|point|space|apostrophe]
                      [--date-order YMD|DMY|MDY] [--hub URL] [--token TOKEN]
       npm run aimass -- models push DIR --name OWNER/NAME [--create] [--card FILE] [--publish] [--hub URL] [--token TOKEN]

  DIR        a TF.js layers model: model.json and the weight shards it names
  --create   create the model first if it does not exist
  --card     a markdown file to set as the new version's model card
  --publish  publish the new version (needs a card and a license on the model)
  --hub      hub URL (env AIMASS_HUB_URL, default http://localhost:4000)
  --token    session token or API key with datasets:write or models:write (env AIMASS_TOKEN)`;

async function main(argv: string[]): Promise<number> {
  try {
    if (argv[0] === 'datasets' && argv[1] === 'push') return await pushDataset(argv.slice(2), cliEnvironment());
    if (argv[0] === 'models' && argv[1] === 'push') return await pushModel(argv.slice(2), cliEnvironment());
    throw new UsageError(argv.length ? `Unknown command: ${argv.slice(0, 2).join(' ')}\n` : '');
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
      return 64;
    }
    process.stderr.write(`aimass: ${(error as Error).message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
