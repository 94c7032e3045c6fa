import { Router } from 'express';
import { requireAuth, requirePermission } from '../auth/middleware';
import { asyncHandler, conflict, notFound } from '../http/errors';
import { CreateProductBody, ListProductsQuery, ProductIdParams, toProductDto, UpdateProductBody } from './dto';
import { createProduct, deactivateProduct, getProduct, listProducts, updateProduct } from './repository';

export const productsRouter = Router();

productsRouter.get(
  '/',
  asyncHandler(async (req, res) => {
    const query = ListProductsQuery.parse(req.query);
    const { rows, total } = await listProducts(query);
    res.json({ data: rows.map(toProductDto), limit: query.limit, offset: query.offset, total });
  }),
);

productsRouter.get(
  '/:id',
  asyncHandler(async (req, res) => {
    const { id } = ProductIdParams.parse(req.params);
    const product = await getProduct(id);
    if (!product || !product.active) throw notFound('Product');
    res.json(toProductDto(product));
  }),
);

productsRouter.post(
  '/',
  requireAuth,
  requirePermission('products:write'),
  asyncHandler(async (req, res) => {
    const body = CreateProductBody.parse(req.body);
    try {
      const product = await createProduct(body);
      res.status(201).location(`/products/${product.id}`).json(toProductDto(product));
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw conflict(`SKU ${body.sku} already exists`);
      throw err;
    }
  }),
);

productsRouter.patch(
  '/:id',
  requireAuth,
  requirePermission('products:write'),
  asyncHandler(async (req, res) => {
    const { id } = ProductIdParams.parse(req.params);
    const body = UpdateProductBody.parse(req.body);
    const product = await updateProduct(id, body);
    if (!product) throw notFound('Product');
    res.json(toProductDto(product));
  }),
);

productsRouter.delete(
  '/:id',
  requireAuth,
  requirePermission('products:write'),
  asyncHandler(async (req, res) => {
    const { id } = ProductIdParams.parse(req.params);
    if (!(await deactivateProduct(id))) throw notFound('Product');
    res.status(204).end();
  }),
);
