import { Migration } from '@mikro-orm/migrations';

/**
 * Adds `listing.stock_handle`: the marketplace id a stock write needs (Shopify's InventoryItem gid),
 * stored by the import so that a push can write without reading first.
 */
export class Migration20261205ListingStockHandle extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "listing" add column "stock_handle" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "listing" drop column "stock_handle";`);
  }
}
