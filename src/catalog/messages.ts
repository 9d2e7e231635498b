import type { CatalogImportReport } from './import.js';
import type { CatalogFileProblem, RowProblem, RowProblemDetail } from './problems.js';

export const CATALOG_LOCALES = ['es-MX', 'en'] as const;
export type CatalogLocale = (typeof CATALOG_LOCALES)[number];

/** One function per problem code; a new code fails to compile until both languages cover it. */
type Templates<D extends { code: string; params: object }, Extra> = {
  [C in D['code']]: (params: Extract<D, { code: C }>['params'], extra: Extra) => string;
};
type RowTemplates = Templates<RowProblemDetail, { field: string; locale: CatalogLocale }>;
type FileTemplates = Templates<CatalogFileProblem, { locale: CatalogLocale }>;

const ROW_EN: RowTemplates = {
  column_count: (p) =>
    p.actual > p.expected
      ? `the row has ${p.actual} cells but the header has ${p.expected}. A value may contain an unquoted comma, such as a decimal comma. Put that value in quotes or write decimals with a point`
      : `the row has ${p.actual} cells but the header has ${p.expected}. Give the row a cell for every column`,
  sku_missing: () => 'the sku cell is empty. Every product needs its own SKU',
  sku_too_long: (p) => `the SKU has ${p.length} characters, more than the maximum of ${p.max}`,
  sku_whitespace: (p) => `SKU "${p.sku}" contains spaces, which a SKU cannot have`,
  sku_duplicate: (p, x) => `SKU ${p.sku} also appears in ${rowList(p.otherRows, x.locale)}. Keep the right row, remove the others and import again`,
  ean_format: (p) => `EAN "${p.value}" is not 8, 12, 13 or 14 digits`,
  ean_scientific_notation: (p) => `EAN "${p.value}" is in scientific notation. Format the ean column as text in the spreadsheet and export again`,
  ean_check_digit: (p) => `EAN ${p.ean} has an invalid check digit (expected ${p.expected})`,
  category_missing: () => 'the categoria cell is empty',
  brand_missing: () => 'the marca cell is empty',
  model_missing: () => 'the modelo cell is empty',
  color_missing: () => 'the color cell is empty',
  size_missing: () => 'the talla cell is empty',
  size_duplicate: (p, x) => `size ${p.size} of ${p.brand} ${p.model} ${p.color} also appears in ${rowList(p.otherRows, x.locale)} with another SKU. Keep one row per size`,
  text_too_long: (p, x) => `${x.field} has ${p.length} characters, more than the maximum of ${p.max}`,
  decimal_comma: (p, x) => `${x.field} "${p.value}" contains a comma. Write decimals with a point and no thousands separator, for example 190.50`,
  cost_missing: () => 'the costo cell is empty',
  cost_invalid: (p) => `costo "${p.value}" is not a number`,
  cost_negative: (p) => `costo ${p.value} is negative`,
  modifier_invalid: (p, x) => `${x.field} "${p.value}" is not a number`,
  modifier_not_positive: (p, x) => `${x.field} ${p.value} must be greater than 0. Leave the cell empty to set no modifier`,
  stock_missing: (_p, x) => `the ${x.field} cell is empty. Write 0 when there is no stock`,
  stock_invalid: (p, x) => `${x.field} "${p.value}" is not a number`,
  stock_not_integer: (p, x) => `${x.field} ${p.value} is not a whole number`,
  stock_negative: (p, x) => `${x.field} has negative stock (${p.value})`,
  stock_too_large: (p) => `total stock ${p.total} is more than the maximum of ${p.max}`,
  flag_invalid: (p, x) => `${x.field} "${p.value}" is not a valid flag. Use TRUE or FALSE`,
};

const ROW_ES: RowTemplates = {
  column_count: (p) =>
    p.actual > p.expected
      ? `la fila tiene ${p.actual} celdas pero el encabezado tiene ${p.expected}. Puede que un valor tenga una coma sin comillas, como una coma decimal. Pon ese valor entre comillas o escribe los decimales con punto`
      : `la fila tiene ${p.actual} celdas pero el encabezado tiene ${p.expected}. Agrega a la fila una celda por cada columna`,
  sku_missing: () => 'la celda sku está vacía. Cada producto necesita su propio SKU',
  sku_too_long: (p) => `el SKU tiene ${p.length} caracteres, más que el máximo de ${p.max}`,
  sku_whitespace: (p) => `el SKU "${p.sku}" contiene espacios, y un SKU no puede tenerlos`,
  sku_duplicate: (p, x) => `el SKU ${p.sku} también aparece en ${rowList(p.otherRows, x.locale)}. Conserva la fila correcta, elimina las demás e importa de nuevo`,
  ean_format: (p) => `el EAN "${p.value}" no tiene 8, 12, 13 o 14 dígitos`,
  ean_scientific_notation: (p) => `el EAN "${p.value}" está en notación científica. Da formato de texto a la columna ean en la hoja de cálculo y exporta de nuevo`,
  ean_check_digit: (p) => `el EAN ${p.ean} tiene un dígito verificador inválido (se esperaba ${p.expected})`,
  category_missing: () => 'la celda categoria está vacía',
  brand_missing: () => 'la celda marca está vacía',
  model_missing: () => 'la celda modelo está vacía',
  color_missing: () => 'la celda color está vacía',
  size_missing: () => 'la celda talla está vacía',
  size_duplicate: (p, x) => `la talla ${p.size} de ${p.brand} ${p.model} ${p.color} también aparece en ${rowList(p.otherRows, x.locale)} con otro SKU. Deja una sola fila por talla`,
  text_too_long: (p, x) => `${x.field} tiene ${p.length} caracteres, más que el máximo de ${p.max}`,
  decimal_comma: (p, x) => `${x.field} "${p.value}" contiene una coma. Escribe los decimales con punto y sin separador de miles, por ejemplo 190.50`,
  cost_missing: () => 'la celda costo está vacía',
  cost_invalid: (p) => `el costo "${p.value}" no es un número`,
  cost_negative: (p) => `el costo ${p.value} es negativo`,
  modifier_invalid: (p, x) => `${x.field} "${p.value}" no es un número`,
  modifier_not_positive: (p, x) => `${x.field} ${p.value} debe ser mayor que 0. Deja la celda vacía si no hay modificador`,
  stock_missing: (_p, x) => `la celda ${x.field} está vacía. Escribe 0 si no hay existencias`,
  stock_invalid: (p, x) => `${x.field} "${p.value}" no es un número`,
  stock_not_integer: (p, x) => `${x.field} ${p.value} no es un número entero`,
  stock_negative: (p, x) => `${x.field} tiene existencias negativas (${p.value})`,
  stock_too_large: (p) => `las existencias totales (${p.total}) superan el máximo de ${p.max}`,
  flag_invalid: (p, x) => `${x.field} "${p.value}" no es un valor válido. Usa TRUE o FALSE (o VERDADERO o FALSO)`,
};

const FILE_EN: FileTemplates = {
  file_not_found: (p) => `File not found: ${p.path}. Check the path and run the command again`,
  file_unreadable: (p) => `Could not read ${p.path}: ${p.detail}`,
  file_empty: () => 'The file is empty. Export the catalog from EGDC again, with its header row',
  file_encoding: (p) => `The file is not valid UTF-8 (the first invalid character is on line ${p.line}). In Excel, save it as "CSV UTF-8 (Comma delimited)" and import again`,
  csv_syntax: (p) => `The file is not valid CSV at line ${p.line} (${p.detail}). Check the quotes on that line`,
  delimiter_unsupported: (p) => `The header is separated by ${delimiterName(p.delimiter, 'en')} instead of commas. Save the file as comma-separated CSV and import again`,
  columns_missing: (p, x) => `The header has no ${plural(p.missing.length, 'column', 'columns')} ${quotedList(p.missing, x.locale)}. The expected header is: ${p.expected.join(',')}`,
  columns_duplicate: (p, x) => `The header has the ${plural(p.columns.length, 'column', 'columns')} ${quotedList(p.columns, x.locale)} more than once. Keep one of each and import again`,
};

const FILE_ES: FileTemplates = {
  file_not_found: (p) => `No se encontró el archivo ${p.path}. Revisa la ruta y ejecuta el comando de nuevo`,
  file_unreadable: (p) => `No se pudo leer ${p.path}: ${p.detail}`,
  file_empty: () => 'El archivo está vacío. Exporta de nuevo el catálogo desde EGDC, con su fila de encabezado',
  file_encoding: (p) => `El archivo no está en UTF-8 (el primer carácter inválido está en la línea ${p.line}). En Excel, guárdalo como "CSV UTF-8 (delimitado por comas)" e impórtalo de nuevo`,
  csv_syntax: (p) => `El archivo no es un CSV válido en la línea ${p.line} (${p.detail}). Revisa las comillas de esa línea`,
  delimiter_unsupported: (p) => `El encabezado está separado por ${delimiterName(p.delimiter, 'es-MX')} en lugar de comas. Guarda el archivo como CSV delimitado por comas e impórtalo de nuevo`,
  columns_missing: (p, x) => `Al encabezado le ${plural(p.missing.length, 'falta la columna', 'faltan las columnas')} ${quotedList(p.missing, x.locale)}. El encabezado esperado es: ${p.expected.join(',')}`,
  columns_duplicate: (p, x) => `El encabezado tiene ${plural(p.columns.length, 'la columna', 'las columnas')} ${quotedList(p.columns, x.locale)} más de una vez. Deja solo una de cada una e importa de nuevo`,
};

const ROW_TEMPLATES: Record<CatalogLocale, RowTemplates> = { 'es-MX': ROW_ES, en: ROW_EN };
const FILE_TEMPLATES: Record<CatalogLocale, FileTemplates> = { 'es-MX': FILE_ES, en: FILE_EN };

/** Renders a row problem without its row number, e.g. "EAN 7506597529565 has an invalid check digit (expected 4)". */
export function describeReason(problem: RowProblemDetail & { field: string }, locale: CatalogLocale): string {
  // TypeScript cannot relate `code` to `params` through an indexed lookup, so the pair is widened here.
  const template = ROW_TEMPLATES[locale][problem.code] as (params: object, extra: { field: string; locale: CatalogLocale }) => string;
  return template(problem.params, { field: problem.field, locale });
}

/** Renders a row problem as one sentence, e.g. "Fila 7: el EAN 7506597529565 tiene un dígito verificador inválido (se esperaba 4)." */
export function describeProblem(problem: RowProblem, locale: CatalogLocale): string {
  const prefix = locale === 'en' ? 'Row' : 'Fila';
  return `${prefix} ${problem.row}: ${describeReason(problem, locale)}.`;
}

/** Renders a file-level problem as a message that ends with what to do next. */
export function describeFileProblem(problem: CatalogFileProblem, locale: CatalogLocale): string {
  const template = FILE_TEMPLATES[locale][problem.code] as (params: object, extra: { locale: CatalogLocale }) => string;
  return `${template(problem.params, { locale })}.`;
}

/** Renders the counts of an import as one line. */
export function describeSummary(report: CatalogImportReport, locale: CatalogLocale): string {
  const rejected = new Set(report.problems.map((problem) => problem.row)).size;
  const { totalRows, imported, created, updated, unchanged } = report;
  if (locale === 'en') {
    return `Rows read: ${totalRows}. Imported: ${imported} (created ${created}, updated ${updated}, unchanged ${unchanged}). Rows with problems: ${rejected}.`;
  }
  return `Filas leídas: ${totalRows}. Importadas: ${imported} (nuevas ${created}, actualizadas ${updated}, sin cambios ${unchanged}). Filas con problemas: ${rejected}.`;
}

function rowList(rows: readonly number[], locale: CatalogLocale): string {
  const list = joinList(rows.map(String), locale);
  if (locale === 'en') return `${plural(rows.length, 'row', 'rows')} ${list}`;
  return `${plural(rows.length, 'la fila', 'las filas')} ${list}`;
}

function quotedList(items: readonly string[], locale: CatalogLocale): string {
  return joinList(items.map((item) => `"${item}"`), locale);
}

function joinList(items: readonly string[], locale: CatalogLocale): string {
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(items);
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}

function delimiterName(delimiter: string, locale: CatalogLocale): string {
  if (delimiter === '\t') return locale === 'en' ? 'tabs' : 'tabuladores';
  return `"${delimiter}"`;
}
