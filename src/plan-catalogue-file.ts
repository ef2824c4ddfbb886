import { readFileSync } from 'node:fs';
import { parsePlanCatalogue, type PlanCatalogue } from '../domain/plans/catalogue.ts';

export function loadPlanCatalogue(file: string): PlanCatalogue {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`PLAN_CATALOG_FILE ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parsePlanCatalogue(json);
  } catch (error) {
    throw new Error(`PLAN_CATALOG_FILE ${file}: ${(error as Error).message}`, { cause: error });
  }
}
