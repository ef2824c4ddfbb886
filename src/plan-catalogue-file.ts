import { readFileSync } from 'node:fs';
import { parsePlanCatalogue, type PlanCatalogue } from '../domain/plans/catalogue.ts';
import { ConfigError } from './config.ts';

/** The catalogue file, checked: a broken file is a configuration problem, reported as one. */
export function loadPlanCatalogue(file: string): PlanCatalogue {
  try {
    return parsePlanCatalogue(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new ConfigError([`PLAN_CATALOG_FILE: ${file}: ${(error as Error).message}`]);
  }
}
