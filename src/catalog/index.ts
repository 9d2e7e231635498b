export * from './columns.js';
export { parseCatalogCsv, decodeCatalogText, type ParsedCsv, type RawRow } from './csv.js';
export { gtinCheckDigit, isValidGtin, GTIN_LENGTHS } from './gtin.js';
export { validateCatalog, type CatalogRow, type ValidatedCatalog } from './validate.js';
export { groupIntoModels, priceFor, compareSizes, modelKey, type CatalogModel, type CatalogVariation, type GroupableRow } from './group.js';
export {
  importCatalog, readCatalog, storeCatalogRows, type CatalogImportReport, type ImportCatalogOptions, type StoreCounts,
} from './import.js';
export {
  CATALOG_LOCALES, describeFileProblem, describeProblem, describeReason, describeSummary, type CatalogLocale,
} from './messages.js';
export * from './problems.js';
