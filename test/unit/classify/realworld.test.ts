/**
 * Regression tests for rules tuned on real backend files (Express, Nest, Django, FastAPI, Spring,
 * ASP.NET, Rails, Laravel, Go). The snippets are hand-written in the shape of the code that was
 * misclassified, one block per rule, each with the case the rule must keep and the case it must drop.
 */
import * as assert from 'node:assert/strict';
import { classify as classifyWith } from '../../../src/core/classify';

/** These tests pin the signal table (rules, weights, evidence wording); the learned model has its own tests (learned.test.ts). */
const classify = (input: Parameters<typeof classifyWith>[0], options: Parameters<typeof classifyWith>[1] = {}) => classifyWith(input, { model: null, ...options });

const one = (path: string, content: string) => classify({ active: { path, content } });
const signals = (r: ReturnType<typeof classify>) => r.reasons.map((x) => x.signal);
const why = (r: ReturnType<typeof classify>) => JSON.stringify(r.reasons.map((x) => `${x.signal} ${x.weight} ${x.detail}`));

describe('classifier on real-world shapes: applying auth is not implementing it', () => {
  it('labels a CRUD controller that only applies guards and roles boilerplate', () => {
    const r = one('src/projects/projects.controller.ts', [
      "import { Controller, Get, Post, Delete, Param, Body, UseGuards } from '@nestjs/common';",
      "import { AuthGuard } from '@nestjs/passport';",
      "import { Roles } from '../roles/roles.decorator';",
      "import { ProjectsService } from './projects.service';",
      '',
      '@Roles(RoleEnum.admin)',
      "@UseGuards(AuthGuard('jwt'), RolesGuard)",
      "@Controller('projects')",
      'export class ProjectsController {',
      '  constructor(private readonly projects: ProjectsService) {}',
      '  @Get()',
      '  list() { return this.projects.list(); }',
      "  @Get(':id')",
      "  one(@Param('id') id: string) { return this.projects.find(id); }",
      '  @Post()',
      '  create(@Body() dto: CreateProjectDto) { return this.projects.create(dto); }',
      "  @Delete(':id')",
      "  remove(@Param('id') id: string) { return this.projects.remove(id); }",
      '}',
    ].join('\n'));
    assert.equal(r.label, 'boilerplate', why(r));
    assert.ok(signals(r).includes('import.auth-wiring') && signals(r).includes('content.authz-applied'), why(r));
  });

  it('still labels the guard that implements the role check sensitive', () => {
    const r = one('src/roles/roles.guard.ts', [
      "import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';",
      '@Injectable()',
      'export class RolesGuard implements CanActivate {',
      '  canActivate(ctx: ExecutionContext): boolean {',
      '    const req = ctx.switchToHttp().getRequest();',
      '    return req.user.roles.includes(this.required(ctx));',
      '  }',
      '}',
    ].join('\n'));
    assert.equal(r.label, 'sensitive', why(r));
  });

  it('labels an ASP.NET controller with [Authorize] attributes boilerplate and finds CamelCase controllers', () => {
    const r = one('src/Shop/Features/Orders/OrdersController.cs', [
      'using Microsoft.AspNetCore.Authorization;',
      'using Microsoft.AspNetCore.Mvc;',
      'namespace Shop.Features.Orders {',
      '  [Route("orders")]',
      '  public class OrdersController : Controller {',
      '    [HttpGet] public Task<OrdersEnvelope> List() => _mediator.Send(new List.Query());',
      '    [HttpGet("{id}")] public Task<OrderEnvelope> Get(int id) => _mediator.Send(new Details.Query(id));',
      '    [HttpPost] [Authorize] public Task<OrderEnvelope> Create([FromBody] Create.Command c) => _mediator.Send(c);',
      '    [HttpDelete("{id}")] [Authorize] public Task Delete(int id) => _mediator.Send(new Delete.Command(id));',
      '  }',
      '}',
    ].join('\n'));
    assert.equal(r.label, 'boilerplate', why(r));
    assert.ok(r.reasons.some((x) => x.signal === 'path.routing' && x.detail.includes('*Controller.*')), why(r));
  });

  it('labels a Spring controller taking @AuthenticationPrincipal boilerplate', () => {
    const r = one('api/src/main/kotlin/com/acme/notes/NotesController.kt', [
      'package com.acme.notes',
      'import org.springframework.security.core.annotation.AuthenticationPrincipal',
      'import org.springframework.web.bind.annotation.GetMapping',
      'import org.springframework.web.bind.annotation.PostMapping',
      '@RestController',
      'class NotesController(private val notes: NoteService) {',
      '    @GetMapping("/notes")',
      '    fun list(@AuthenticationPrincipal user: AuthUser) = notes.list(user.id)',
      '    @PostMapping("/notes")',
      '    fun add(@AuthenticationPrincipal user: AuthUser, @RequestBody body: NewNote) = notes.add(user.id, body)',
      '}',
    ].join('\n'));
    assert.equal(r.label, 'boilerplate', why(r));
  });

  it('labels DRF views that only declare permission_classes boilerplate', () => {
    const r = one('app/profiles/views.py', [
      'from rest_framework.permissions import IsAuthenticated',
      'from rest_framework.views import APIView',
      'from rest_framework.response import Response',
      '',
      'class FollowView(APIView):',
      '    permission_classes = (IsAuthenticated,)',
      '    def post(self, request, username=None):',
      '        target = Profile.objects.get(user__username=username)',
      '        request.user.profile.follow(target)',
      '        return Response(ProfileSerializer(target).data)',
    ].join('\n'));
    assert.equal(r.label, 'boilerplate', why(r));
  });

  it('labels a NestJS module that registers JwtModule wiring, not auth work', () => {
    const r = one('src/auth/auth.module.ts', [
      "import { Module } from '@nestjs/common';",
      "import { JwtModule } from '@nestjs/jwt';",
      "import { PassportModule } from '@nestjs/passport';",
      "import { AuthService } from './auth.service';",
      '@Module({ imports: [PassportModule, JwtModule.register({})], providers: [AuthService], exports: [AuthService] })',
      'export class AuthModule {}',
    ].join('\n'));
    assert.equal(r.label, 'boilerplate', why(r));
    assert.ok(signals(r).includes('kind.di-module'), why(r));
  });
});

describe('classifier on real-world shapes: a path name is a prior, not proof', () => {
  it('labels a constants file under payments/ boilerplate and says the path is unsupported', () => {
    const r = one('shop/payments/gateways/stripe/consts.py', [
      'PLUGIN_ID = "shop.payments.stripe"',
      'WEBHOOK_PATH = "webhooks/"',
      'SUCCESS_EVENT = "payment_intent.succeeded"',
      'FAILED_EVENT = "payment_intent.payment_failed"',
      'REFUND_EVENT = "charge.refunded"',
      'API_VERSION = "2024-06-20"',
    ].join('\n'));
    assert.equal(r.label, 'boilerplate', why(r));
    const p = r.reasons.find((x) => x.signal === 'path.money');
    assert.ok(p && p.detail.includes('nothing in the code backs it up') && p.weight < 1, why(r));
  });

  it('keeps the full path weight when the file does payment work', () => {
    const r = one('shop/payments/charge.py', 'import stripe\n\ndef charge(amount_cents, token):\n    return stripe.Charge.create(amount=amount_cents, source=token)\n');
    assert.equal(r.label, 'sensitive', why(r));
    assert.equal(r.reasons.find((x) => x.signal === 'path.money')?.weight, 2.5);
  });

  it('labels a six-field domain class under auth/session boilerplate', () => {
    const r = one('src/auth/session/domain/session.ts', [
      "import { User } from '../../../users/domain/user';",
      'export class Session {',
      '  id: number | string;',
      '  user: User;',
      '  hash: string;',
      '  createdAt: Date;',
      '  updatedAt: Date;',
      '  deletedAt: Date;',
      '}',
    ].join('\n'));
    assert.equal(r.label, 'boilerplate', why(r));
    assert.ok(signals(r).includes('shape.many-small-members'), why(r));
  });

  it('does not treat crypto imported for random IDs as cryptography', () => {
    const r = one('src/orders/ids.ts', "import { randomUUID } from 'node:crypto';\n\nexport function newOrderId(): string {\n  return `ord_${randomUUID()}`;\n}\n");
    assert.notEqual(r.label, 'sensitive', why(r));
    const keep = one('src/orders/signing.ts', "import crypto from 'node:crypto';\n\nexport const sign = (body: string, key: string) => crypto.createHmac('sha256', key).update(body).digest('hex');\n");
    assert.equal(keep.label, 'sensitive', why(keep));
  });

  it('labels a pydantic Settings class of defaults boilerplate despite secrets.token_urlsafe', () => {
    const lines = ['import secrets', 'from pydantic_settings import BaseSettings', '', 'class Settings(BaseSettings):',
      '    API_PREFIX: str = "/api/v1"', '    SECRET_KEY: str = secrets.token_urlsafe(32)', '    TOKEN_TTL_MINUTES: int = 60 * 24',
      '    SMTP_PORT: int = 587', '    SMTP_TLS: bool = True', '    SMTP_HOST: str | None = None', '    PROJECT_NAME: str = "shop"',
      '    DB_PORT: int = 5432', '    DB_NAME: str = ""', '', 'settings = Settings()'];
    const r = one('backend/app/core/config.py', lines.join('\n'));
    assert.equal(r.label, 'boilerplate', why(r));
  });

  it('does not read .env.example as a secrets file, but still reads .env.production as one', () => {
    assert.notEqual(one('.env.example', 'DATABASE_URL=postgres://localhost/app\nJWT_SECRET=changeme\n').label, 'sensitive');
    assert.equal(one('.env.production', 'DATABASE_URL=postgres://prod/app\n').label, 'sensitive');
  });
});

describe('classifier on real-world shapes: sensitive code without a telltale import', () => {
  it('sees card data handled with no payment SDK', () => {
    const r = one('src/checkout/logic.ts', [
      "import cardValidator from 'simple-card-validator';",
      'export function charge(req: ChargeRequest) {',
      '  const { amount, credit_card: card } = req;',
      '  const info = cardValidator(card.credit_card_number);',
      "  if (!info.valid) throw new Error('invalid card');",
      '  return { id: newId(), amount };',
      '}',
    ].join('\n'));
    assert.equal(r.label, 'sensitive', why(r));
    assert.ok(signals(r).includes('content.card-data'), why(r));
  });

  it('sees a money value type and a currency-mismatch guard', () => {
    const r = one('internal/ledger/amount.go', [
      'package ledger',
      'type Money struct {',
      '\tminor    int64',
      '\tcurrency string',
      '}',
      'func (m Money) Add(o Money) (Money, error) {',
      '\tif m.currency != o.currency {',
      '\t\treturn Money{}, ErrCurrencyMismatch',
      '\t}',
      '\treturn Money{minor: m.minor + o.minor, currency: m.currency}, nil',
      '}',
    ].join('\n'));
    assert.equal(r.label, 'sensitive', why(r));
    assert.ok(signals(r).includes('content.money-type'), why(r));
  });

  it('sees access decisions written as checkXAccess / PERMIT_ACCESS and Policy classes', () => {
    const gate = one('src/members/gating.js', 'const PERMIT_ACCESS = true;\nconst BLOCK_ACCESS = false;\nfunction checkPostAccess(post, member) {\n  if (post.visibility === "public") return PERMIT_ACCESS;\n  return member && member.paid ? PERMIT_ACCESS : BLOCK_ACCESS;\n}\nmodule.exports = { checkPostAccess };\n');
    assert.equal(gate.label, 'sensitive', why(gate));
    const policy = one('app/policies/comment_policy.rb', 'class CommentPolicy < ApplicationPolicy\n  def destroy?\n    owned? || staff?\n  end\nend\n');
    assert.equal(policy.label, 'sensitive', why(policy));
  });

  it('sees password changes and logins done through app services', () => {
    const pw = one('app/Http/Controllers/Settings/PasswordController.php', '<?php\nclass PasswordController extends Controller\n{\n    public function update(UpdatePasswordRequest $request)\n    {\n        $this->dispatchNow(new UpdatePassword(Auth::user(), $request->newPassword()));\n        return redirect()->route("settings.password");\n    }\n}\n');
    assert.equal(pw.label, 'sensitive', why(pw));
    assert.ok(!signals(pw).includes('path.config'), 'a settings/ folder under controllers is not configuration: ' + why(pw));
    const login = one('app/Http/Controllers/Auth/GithubController.php', '<?php\nclass GithubController extends Controller\n{\n    public function callback()\n    {\n        $gh = Socialite::driver("github")->user();\n        Auth::login($this->users->findByGithubId($gh->getId()));\n        return redirect()->route("dashboard");\n    }\n}\n');
    assert.equal(login.label, 'sensitive', why(login));
  });

  it('sees password hasher and token generator services called by a handler', () => {
    const r = one('src/Shop/Features/Users/Register.cs', [
      'public class Handler : IRequestHandler<Command, UserEnvelope> {',
      '  public async Task<UserEnvelope> Handle(Command message, CancellationToken ct) {',
      '    var salt = Guid.NewGuid().ToByteArray();',
      '    var person = new Person { Email = message.Email, Hash = await _passwordHasher.Hash(message.Password, salt), Salt = salt };',
      '    await _context.SaveChangesAsync(ct);',
      '    return new UserEnvelope(_jwtTokenGenerator.CreateToken(person.Email));',
      '  }',
      '}',
    ].join('\n'));
    assert.equal(r.label, 'sensitive', why(r));
  });

  it('sees transaction helpers and row locks in Go storage code', () => {
    const r = one('internal/storage/postgres/moves.go', [
      'package postgres',
      'func Move(ctx context.Context, pool *pgxpool.Pool, from, to uuid.UUID, minor int64) error {',
      '\treturn WithTx(ctx, pool, func(tx pgx.Tx) error {',
      '\t\tq := gen.New(tx)',
      '\t\tif _, err := q.LockAccountsForUpdate(ctx, []uuid.UUID{from, to}); err != nil {',
      '\t\t\treturn err',
      '\t\t}',
      '\t\treturn q.Apply(ctx, from, to, minor)',
      '\t})',
      '}',
    ].join('\n'));
    assert.equal(r.label, 'sensitive', why(r));
    assert.ok(signals(r).includes('content.transaction'), why(r));
  });

  it('treats schema.prisma as the database schema, not as config or a DTO file', () => {
    const r = one('prisma/schema.prisma', 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\nmodel Post {\n  id String @id\n  title String\n}\n');
    assert.equal(r.label, 'sensitive', why(r));
    assert.ok(!signals(r).includes('kind.config') && !signals(r).includes('path.dto'), why(r));
  });
});

describe('classifier on real-world shapes: tests and evidence wording', () => {
  it('ranks a test that sets fake secrets and checks staff access as test code', () => {
    const r = one('internal/config/config_test.go', [
      'package config',
      'func TestLoad(t *testing.T) {',
      '\tt.Setenv("JWT_SECRET", "test-secret")',
      '\tcfg, err := Load()',
      '\tif err != nil || cfg.Port != "8080" { t.Fatal(err) }',
      '}',
      'func TestWeakSecret(t *testing.T) {',
      '\tt.Setenv("JWT_SECRET", "short")',
      '\tif _, err := Load(); err == nil { t.Fatal("accepted") }',
      '}',
    ].join('\n'));
    assert.equal(r.label, 'boilerplate', why(r));
  });

  it('counts a client-chosen id only when it is passed to a call', () => {
    const cond = one('src/routes/things.ts', "export async function update(req, res) {\n  if (req.body.id) {\n    res.status(400).end();\n  }\n}\n");
    assert.ok(!signals(cond).includes('content.record-by-client-id'), why(cond));
    const call = one('src/routes/things.ts', 'export async function show(req, res) {\n  res.json(await Thing.findByPk(req.params.id));\n}\n');
    const hit = call.reasons.find((x) => x.signal === 'content.record-by-client-id');
    assert.ok(hit && hit.detail.includes('req.params.id'), why(call));
  });

  it('does not take redis.eval for eval, but still flags eval of input', () => {
    assert.ok(!signals(one('src/cache/lua.ts', "export const run = (script: string) => redis.eval(script, 0);\n")).includes('content.untrusted-deserialization'));
    assert.ok(signals(one('src/calc.js', 'module.exports = (req, res) => res.json(eval(req.query.expr));\n')).includes('content.untrusted-deserialization'));
  });

  it('shows a route guard only as a route-registration argument', () => {
    const r = one('src/routes/admin.ts', "router.get('/stats', requireAuth, stats);\nconst ok = requireAuthHeader(x);\n");
    assert.deepEqual(r.reasons.filter((x) => x.signal === 'content.route-guard').map((x) => x.line), [1]);
  });
});

describe('classifier on real-world shapes: second round (held-out files)', () => {
  it('does not take a form class named after a password reset for a password change', () => {
    const r = one('app/auth/forms.py', [
      'from flask_wtf import FlaskForm',
      'from wtforms import PasswordField, StringField, SubmitField',
      '',
      'class ResetPasswordRequestForm(FlaskForm):',
      "    email = StringField('Email')",
      "    submit = SubmitField('Request Password Reset')",
      '',
      'class ResetPasswordForm(FlaskForm):',
      "    password = PasswordField('Password')",
      "    submit = SubmitField('Reset')",
    ].join('\n'));
    assert.ok(!signals(r).includes('content.credential-change'), why(r));
    assert.equal(r.label, 'boilerplate', why(r));
  });

  it('sees password checks, password changes and token refresh in a Laravel controller', () => {
    const r = one('app/Http/Controllers/API/ChangePasswordController.php', [
      '<?php',
      'class ChangePasswordController extends Controller',
      '{',
      '    public function __invoke(ChangePasswordRequest $request)',
      '    {',
      '        throw_unless($this->hash->check($request->current_password, $this->user->password), new InvalidPassword());',
      '        $this->userService->changePassword($this->user, $request->new_password);',
      "        return response()->noContent()->header('Authorization', $this->tokens->refreshApiToken($request->bearerToken()));",
      '    }',
      '}',
    ].join('\n'));
    assert.equal(r.label, 'sensitive', why(r));
    assert.ok(signals(r).includes('content.password-hashing') && signals(r).includes('content.credential-change'), why(r));
  });

  it('sees a second factor being verified or disabled', () => {
    const r = one('app/Http/Controllers/API/Auth/TwoFactor/DisableController.php', '<?php\nclass DisableController extends Controller\n{\n    public function __invoke(CodeRequest $request, Authenticatable $user)\n    {\n        if (!$this->twoFactorAuth->verify($user, $request->code)) {\n            return response()->json([], 422);\n        }\n        $this->twoFactorAuth->disable($user);\n    }\n}\n');
    assert.equal(r.label, 'sensitive', why(r));
  });

  it('sees token issuing endpoints guarded by @basic_auth.login_required', () => {
    const r = one('app/api/tokens.py', "@bp.route('/tokens', methods=['POST'])\n@basic_auth.login_required\ndef get_token():\n    return jsonify({'token': g.current_user.get_token()})\n\n@bp.route('/tokens', methods=['DELETE'])\n@token_auth.login_required\ndef revoke_token():\n    g.current_user.revoke_token()\n    return '', 204\n");
    assert.equal(r.label, 'sensitive', why(r));
    assert.ok(signals(r).includes('content.authz-applied') && signals(r).includes('content.credential-change'), why(r));
  });

  it('does not take an identifier-like value for a hard-coded secret, but flags a real-looking one', () => {
    const names = one('src/config/tokens.js', "const tokenTypes = {\n  ACCESS: 'access',\n  RESET_PASSWORD: 'resetPassword',\n  VERIFY_EMAIL: 'verifyEmail',\n};\nmodule.exports = { tokenTypes };\n");
    assert.ok(!signals(names).includes('content.hardcoded-secret'), why(names));
    const secret = one('src/Shop/Constants/AuthConstants.cs', 'public class AuthConstants {\n    public const string JWT_SECRET_KEY = "SecretKeyOfDoom4242ThatIsLong";\n}\n');
    assert.ok(signals(secret).includes('content.hardcoded-secret'), why(secret));
  });

  it('treats read-only transactions and @Query repository declarations as data access', () => {
    const r = one('src/main/java/com/acme/repository/ClientRepository.java', [
      'package com.acme.repository;',
      'import org.springframework.data.jpa.repository.Query;',
      'import org.springframework.transaction.annotation.Transactional;',
      'public interface ClientRepository extends Repository<Client, Integer> {',
      '  @Query("SELECT client FROM Client client WHERE username = :username")',
      '  @Transactional(readOnly = true)',
      '  Client findByUsername(String username);',
      '}',
    ].join('\n'));
    assert.ok(!signals(r).includes('content.transaction') && !signals(r).includes('content.raw-sql'), why(r));
    const write = one('src/main/java/com/acme/service/TransferService.java', 'public class TransferService {\n  @Transactional\n  public void move(long from, long to, long cents) { accounts.debit(from, cents); accounts.credit(to, cents); }\n}\n');
    assert.ok(signals(write).includes('content.transaction'), why(write));
  });

  it('knows Alipay and WeChat Pay SDKs as payment libraries', () => {
    const r = one('src/Shop/Services/PayPageService.cs', 'using Aop.Api;\nusing Aop.Api.Request;\npublic class PayPageService {\n  public string Create(decimal total) => _client.pageExecute(new AlipayTradePagePayRequest()).Body;\n}\n');
    assert.equal(r.label, 'sensitive', why(r));
    assert.ok(signals(r).includes('import.payments'), why(r));
  });
});

describe('classifier on real-world shapes: third round (payment operations, login and logout, predicates)', () => {
  it('sees a payment provider authorizing, capturing and refunding payments', () => {
    const r = one('packages/payment-acme/src/services/provider.ts', [
      "import { AbstractProvider } from '@shop/framework';",
      'export class AcmeProvider extends AbstractProvider {',
      '  async capture(input: CaptureInput) {',
      '    const res = await this.client.capturePayment(input.id, { amount: input.amount });',
      '    return { data: res };',
      '  }',
      '  async refund(input: RefundInput) {',
      '    return this.client.refundPayment(input.id, input.amount);',
      '  }',
      '}',
    ].join('\n'));
    assert.equal(r.label, 'sensitive', why(r));
    assert.ok(signals(r).includes('content.payment-ops'), why(r));
    const orders = one('src/orders/orders.service.ts', 'export class OrdersService {\n  cancel(id: string) { return this.repo.cancelOrder(id); }\n}\n');
    assert.ok(!signals(orders).includes('content.payment-ops'), why(orders));
  });

  it('reads a guardian folder and can_x? predicates as access control', () => {
    const r = one('lib/guardian/topic_guardian.rb', [
      'module TopicGuardian',
      '  def can_edit_topic?(topic)',
      '    return false unless authenticated?',
      '    is_staff? || topic.user_id == @user.id',
      '  end',
      'end',
    ].join('\n'));
    assert.equal(r.label, 'sensitive', why(r));
    assert.ok(signals(r).includes('content.authz') && signals(r).includes('path.auth'), why(r));
  });

  it('sees API keys hashed before they are stored', () => {
    const r = one('app/models/api_key.rb', 'class ApiKey < ActiveRecord::Base\n  before_create do\n    self.key_hash = ApiKey.hash_key(raw_key)\n  end\nend\n');
    assert.ok(signals(r).includes('content.password-hashing'), why(r));
  });

  it('takes a serializer that only fetches the user model for wiring, not auth work', () => {
    const r = one('app/users/serializers.py', [
      'from django.contrib.auth import get_user_model',
      'from rest_framework import serializers',
      '',
      'class UserSerializer(serializers.ModelSerializer):',
      '    class Meta:',
      '        model = get_user_model()',
      "        fields = ['id', 'username', 'email']",
    ].join('\n'));
    assert.equal(r.label, 'boilerplate', why(r));
    assert.ok(signals(r).includes('import.auth-wiring') && !signals(r).includes('import.auth-framework'), why(r));
  });

  it('sees a Django view logging a user in and a Go handler logging a user out', () => {
    const login = one('app/accounts/views.py', [
      'def sign_in_view(request):',
      '    form = SignInForm(request.POST)',
      '    if form.is_valid():',
      "        user = authenticate(request=request, username=form.cleaned_data['username'], password=form.cleaned_data['password'])",
      '        if user is not None:',
      '            login(request, user)',
      "    return redirect('home')",
    ].join('\n'));
    assert.ok(signals(login).includes('content.login'), why(login));
    const logout = one('internal/api/signout.go', [
      'package api',
      'func (a *API) SignOut(w http.ResponseWriter, r *http.Request) error {',
      '\terr := a.db.Transaction(func(tx *storage.Connection) error {',
      '\t\treturn models.LogoutAllSessions(tx, getUser(r.Context()).ID)',
      '\t})',
      '\treturn err',
      '}',
    ].join('\n'));
    assert.equal(logout.label, 'sensitive', why(logout));
    assert.ok(signals(logout).includes('content.login'), why(logout));
  });

  it('takes toFixed(2) for money only on a money value', () => {
    const timing = one('src/middleware/timing.interceptor.ts', 'export const took = (start: number) => {\n  const elapsed = (performance.now() - start).toFixed(2);\n  return `${elapsed}ms`;\n};\n');
    assert.ok(!signals(timing).includes('content.money'), why(timing));
    const price = one('src/cart/summary.ts', 'export const label = (order: Order) => `$${order.total.toFixed(2)}`;\n');
    assert.ok(signals(price).includes('content.money'), why(price));
  });
});

describe('classifier rules read line ends as line ends', () => {
  it('sees a bang method that revokes tokens at the end of a line, not only at the end of the file', () => {
    const r = one('app/services/account_lock.rb', 'class AccountLock\n  def call(user)\n    user.revoke_tokens!\n    user.update!(locked: true)\n  end\nend\n');
    assert.ok(signals(r).includes('content.credential-change'), why(r));
  });

  it('takes a SQL string filled in with str.format for SQL built from variables, but not any .format call', () => {
    const sql = one('app/reports/queries.py', 'def by_owner(cursor, owner):\n    cursor.execute("SELECT * FROM reports WHERE owner = \'{}\'".format(owner))\n    return cursor.fetchall()\n');
    assert.ok(signals(sql).includes('content.sql-interpolated'), why(sql));
    const greeting = one('app/mail/greeting.py', 'def greet(name):\n    text = "Hello {}".format(name)\n    return text\n');
    assert.ok(!signals(greeting).includes('content.sql-interpolated'), why(greeting));
  });
});

describe('classifier: scanning only around the literals a rule needs', () => {
  it('still finds a multi-line template query whose interpolation is lines below the SELECT', () => {
    const r = one('src/reports/report.repository.ts', [
      'export async function byOwner(db: Db, owner: string) {',
      '  return db.query(`',
      '    SELECT id, title',
      '    FROM reports',
      '    WHERE owner = ${owner}',
      '  `);',
      '}',
    ].join('\n'));
    assert.ok(signals(r).includes('content.sql-interpolated'), why(r));
  });

  it('finds the same hits in a long file as in a short one, and respects the selection', () => {
    const filler = Array.from({ length: 3000 }, (_, i) => `export const v${i} = compute(${i});`).join('\n');
    const code = `${filler}\nexport function sign(u: User) {\n  return jwt.sign({ sub: u.id }, key);\n}\n${filler}\n`;
    const r = one('src/tokens/sign.ts', code);
    assert.ok(r.reasons.some((x) => x.signal === 'content.jwt' && x.line === 3002), why(r));
    const outside = classify({ active: { path: 'src/tokens/sign.ts', content: code, selection: { startLine: 1, endLine: 100 } } });
    assert.ok(!signals(outside).includes('content.jwt'), why(outside));
  });
});

describe('classifier on real-world shapes: fourth round (policy calls, request constructors)', () => {
  it('sees policy calls with an actor, an action and a resource inside a handler', () => {
    const r = one('server/routes/api/tokens/tokens.ts', [
      'router.post("tokens.delete", auth(), async (ctx) => {',
      '  const { user } = ctx.state.auth;',
      '  const token = await Token.findByPk(ctx.input.body.id);',
      '  authorize(user, "delete", token);',
      '  if (cannot(user, "listAll", user.team)) {',
      '    ctx.throw(403);',
      '  }',
      '  await token.destroy();',
      '});',
    ].join('\n'));
    assert.ok(signals(r).includes('content.authz'), why(r));
  });

  it('does not take the constructor of a change-password request type for a password change', () => {
    const r = one('src/Services/Accounts/ChangePasswordRequest.cs', [
      'namespace Shop.Services.Accounts',
      '{',
      '    public class ChangePasswordRequest',
      '    {',
      '        public string Email { get; set; }',
      '        public string NewPassword { get; set; }',
      '        public ChangePasswordRequest(string email, string newPassword)',
      '        {',
      '            Email = email;',
      '            NewPassword = newPassword;',
      '        }',
      '    }',
      '}',
    ].join('\n'));
    assert.ok(!signals(r).includes('content.credential-change'), why(r));
    assert.equal(r.label, 'boilerplate', why(r));
    const call = one('src/Services/Accounts/AccountService.cs', 'public class AccountService {\n    public async Task Reset(string email) {\n        await _users.ChangePasswordAsync(new ChangePasswordRequest(email, NewSecret()));\n    }\n}\n');
    assert.ok(signals(call).includes('content.credential-change'), why(call));
  });
});
