/** `georisk validate`: check scenario files and report every problem with its place and a fix. */
import { buildModel, formatIssues, GeoriskError, type Issue, parameterWarnings } from '@georisk/engine';
import { Option } from 'commander';
import { EXIT, type RegisterCommand, terminalSafe } from '../cli-common.ts';
import { loadScenarioFile } from '../load.ts';

function validateCommand(files: string[], flags: { format: 'text' | 'json' }): number {
  let failed = 0;
  const report: { file: string; valid: boolean; issues: Issue[] }[] = [];
  for (const file of files) {
    try {
      const loaded = loadScenarioFile(file);
      let model: ReturnType<typeof buildModel>;
      try {
        model = buildModel(loaded.scenario);
      } catch (error) {
        if (error instanceof GeoriskError) throw new GeoriskError(loaded.locate(error.issues));
        throw error;
      }
      const warnings = loaded.locate([...model.warnings, ...parameterWarnings(loaded.scenario)]);
      report.push({ file, valid: true, issues: warnings });
      if (flags.format === 'text') {
        const counted = warnings.length ? ` (${warnings.length} warning${warnings.length > 1 ? 's' : ''})` : '';
        process.stdout.write(terminalSafe(`ok  ${file}${counted}\n${warnings.length ? `${formatIssues(warnings)}\n` : ''}`));
      }
    } catch (error) {
      if (!(error instanceof GeoriskError)) throw error;
      failed++;
      const issues = error.issues;
      report.push({ file, valid: false, issues });
      if (flags.format === 'text')
        process.stderr.write(terminalSafe(`invalid  ${file}\n${formatIssues(issues.map((i) => ({ ...i, file: i.file ?? file })))}\n`));
    }
  }
  if (flags.format === 'json') process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return failed > 0 ? EXIT.failed : EXIT.ok;
}

/** Registers `validate`. */
export const registerValidate: RegisterCommand = (program, setExit) => {
  program
    .command('validate')
    .description('check scenario files; exit 0 when all are valid, 1 otherwise')
    .argument('<files...>', 'scenario files (YAML or JSON)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((files: string[], flags: { format: 'text' | 'json' }) => setExit(validateCommand(files, flags)));
};
