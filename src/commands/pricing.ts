import type { PricingFormat } from '../choices.js';
import { CliError, ExitCode, type ExitCodeValue } from '../errors.js';
import { type CliIO, terminalWidth } from '../io.js';
import { loadPricing } from '../pricing/load-pricing.js';
import { builtInPrices } from '../pricing/price-data.js';
import { resolvePrice } from '../pricing/resolve-price.js';
import { formatProblem } from '../report/format.js';
import { renderPricingDetail, renderPricingJson, renderPricingTable } from '../report/pricing-report.js';
import { stylesFor } from '../report/styles.js';

export interface PricingOptions {
  model: string | null;
  format: PricingFormat;
  pricingFiles: string[];
  color: boolean | undefined;
}

/** `usage-inspect pricing [MODEL]`: the price table in use (built-in plus --pricing files). */
export async function pricingCommand(options: PricingOptions, io: CliIO): Promise<ExitCodeValue> {
  const { table, problems } = await loadPricing(options.pricingFiles, builtInPrices());
  for (const p of problems) io.stderr.write(`${formatProblem(p)}\n`);
  const code = problems.length > 0 ? ExitCode.badInput : ExitCode.ok;
  if (options.model !== null) {
    const model = resolvePrice(options.model, table);
    if (!model) {
      throw new CliError(
        `no price for model "${options.model}"; usage-inspect pricing lists the known models, and --pricing FILE adds one`,
      );
    }
    io.stdout.write(
      options.format === 'json'
        ? renderPricingJson(table, [model])
        : renderPricingDetail(model, table, options.model),
    );
    return code;
  }
  if (options.format === 'json') {
    io.stdout.write(renderPricingJson(table));
  } else {
    io.stdout.write(renderPricingTable(table, terminalWidth(io), await stylesFor(options.color, io)));
  }
  return code;
}
