import { z } from 'zod';

const Sku = z.string().trim().min(3).max(32).regex(/^[A-Z0-9-]+$/, 'SKU must be upper-case letters, digits and dashes');
const Name = z.string().trim().min(1).max(200);
const Description = z.string().trim().max(5_000);
const PriceCents = z.number().int().min(0).max(10_000_000);
const Currency = z.string().length(3).toUpperCase();
const Stock = z.number().int().min(0).max(1_000_000);
const Category = z.string().trim().min(1).max(64);

export const ProductIdParams = z.object({
  id: z.string().regex(/^\d+$/, 'product id must be numeric'),
});

export const CreateProductBody = z.object({
  sku: Sku,
  name: Name,
  description: Description.default(''),
  priceCents: PriceCents,
  currency: Currency.default('EUR'),
  stock: Stock.default(0),
  category: Category.nullable().default(null),
  active: z.boolean().default(true),
});

export const UpdateProductBody = z
  .object({
    name: Name,
    description: Description,
    priceCents: PriceCents,
    currency: Currency,
    stock: Stock,
    category: Category.nullable(),
    active: z.boolean(),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'Provide at least one field to update' });

export const ListProductsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
  category: Category.optional(),
});

export type ProductIdParams = z.infer<typeof ProductIdParams>;
export type CreateProductBody = z.infer<typeof CreateProductBody>;
export type UpdateProductBody = z.infer<typeof UpdateProductBody>;
export type ListProductsQuery = z.infer<typeof ListProductsQuery>;

export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  price_cents: number;
  currency: string;
  stock: number;
  category: string | null;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface ProductDto {
  id: string;
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  stock: number;
  inStock: boolean;
  category: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ProductListDto {
  data: ProductDto[];
  limit: number;
  offset: number;
  total: number;
}

export function toProductDto(row: ProductRow): ProductDto {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    priceCents: row.price_cents,
    currency: row.currency,
    stock: row.stock,
    inStock: row.stock > 0,
    category: row.category,
    active: row.active,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
