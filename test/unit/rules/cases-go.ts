/** Go cases: vulnerable handlers and the safe look-alikes. */
import type { RuleCase } from './cases-ts';

const head = 'package api\n\nimport (\n\t"database/sql"\n\t"fmt"\n\t"net/http"\n\t"os"\n\t"os/exec"\n\t"path/filepath"\n\t"strings"\n\n\t_ "github.com/lib/pq"\n)\n\nvar db *sql.DB\n\n';

export const GO_CASES: RuleCase[] = [
  { name: 'Sprintf SQL with a query parameter', rule: 'sql-injection', vulnerable: true, fix: 'db.Query("SELECT * FROM users WHERE name = $1", name)',
    code: `${head}func Users(w http.ResponseWriter, r *http.Request) {\n\tname := r.URL.Query().Get("name")\n\trows, err := db.Query(fmt.Sprintf("SELECT * FROM users WHERE name = '%s'", name))\n\t_ = rows\n\t_ = err\n}` },
  { name: 'concatenated SQL from a gin param', rule: 'sql-injection', vulnerable: true,
    code: 'package api\n\nimport "github.com/gin-gonic/gin"\n\nfunc Get(c *gin.Context) {\n\tq := "SELECT * FROM orders WHERE id = " + c.Param("id")\n\tdb.Raw(q).Scan(&out)\n}' },
  { name: 'repository method formatting a parameter (medium)', rule: 'sql-injection', vulnerable: true,
    code: `${head}func (r *Repo) ByEmail(email string) (*sql.Rows, error) {\n\treturn r.db.Query("SELECT * FROM users WHERE email = '" + email + "'")\n}` },
  { name: 'bind arguments', rule: 'sql-injection', vulnerable: false,
    code: `${head}func Users(w http.ResponseWriter, r *http.Request) {\n\trows, _ := db.Query("SELECT * FROM users WHERE name = $1", r.URL.Query().Get("name"))\n\t_ = rows\n}` },
  { name: 'Atoi before formatting', rule: 'sql-injection', vulnerable: false,
    code: `${head}func Users(w http.ResponseWriter, r *http.Request) {\n\tid, err := strconv.Atoi(r.FormValue("id"))\n\tif err != nil { return }\n\tdb.Query(fmt.Sprintf("SELECT * FROM users WHERE id = %d", id))\n}` },

  { name: 'sh -c with a form value', rule: 'command-injection', vulnerable: true,
    code: `${head}func Ping(w http.ResponseWriter, r *http.Request) {\n\tout, _ := exec.Command("sh", "-c", "ping -c 1 "+r.FormValue("host")).Output()\n\tw.Write(out)\n}` },
  { name: 'fixed program with an argument', rule: 'command-injection', vulnerable: false,
    code: `${head}func Ping(w http.ResponseWriter, r *http.Request) {\n\tout, _ := exec.Command("ping", "-c", "1", r.FormValue("host")).Output()\n\tw.Write(out)\n}` },

  { name: 'filepath.Join with a query value', rule: 'path-traversal', vulnerable: true,
    code: `${head}func Download(w http.ResponseWriter, r *http.Request) {\n\tp := filepath.Join("/srv/files", r.URL.Query().Get("f"))\n\tdata, _ := os.ReadFile(p)\n\tw.Write(data)\n}` },
  { name: 'containment check after Abs', rule: 'path-traversal', vulnerable: false,
    code: `${head}func Download(w http.ResponseWriter, r *http.Request) {\n\tp, _ := filepath.Abs(filepath.Join("/srv/files", r.URL.Query().Get("f")))\n\tif !strings.HasPrefix(p, "/srv/files/") { http.Error(w, "no", 403); return }\n\tdata, _ := os.ReadFile(p)\n\tw.Write(data)\n}` },
  { name: 'filepath.Base', rule: 'path-traversal', vulnerable: false,
    code: `${head}func Download(w http.ResponseWriter, r *http.Request) {\n\tdata, _ := os.ReadFile(filepath.Join("/srv/files", filepath.Base(r.URL.Query().Get("f"))))\n\tw.Write(data)\n}` },

  { name: 'http.Get of a client URL', rule: 'ssrf', vulnerable: true,
    code: `${head}func Preview(w http.ResponseWriter, r *http.Request) {\n\tresp, _ := http.Get(r.URL.Query().Get("url"))\n\tdefer resp.Body.Close()\n}` },
  { name: 'fixed origin', rule: 'ssrf', vulnerable: false,
    code: `${head}func Repo(w http.ResponseWriter, r *http.Request) {\n\tresp, _ := http.Get(fmt.Sprintf("https://api.github.com/repos/%s", url.PathEscape(r.URL.Query().Get("name"))))\n\tdefer resp.Body.Close()\n}` },

  { name: 'redirect to ?next', rule: 'open-redirect', vulnerable: true,
    code: `${head}func Done(w http.ResponseWriter, r *http.Request) {\n\thttp.Redirect(w, r, r.URL.Query().Get("next"), http.StatusFound)\n}` },
  { name: 'redirect to a local path', rule: 'open-redirect', vulnerable: false,
    code: `${head}func Done(w http.ResponseWriter, r *http.Request) {\n\thttp.Redirect(w, r, "/orders/"+r.URL.Query().Get("id"), http.StatusFound)\n}` },

  { name: 'md5 of a password', rule: 'weak-password-hash', vulnerable: true,
    code: 'package auth\n\nimport "crypto/md5"\n\nfunc Hash(password string) [16]byte {\n\treturn md5.Sum([]byte(password))\n}' },
  { name: 'sha256 of a file body', rule: 'weak-password-hash', vulnerable: false,
    code: 'package store\n\nimport "crypto/sha256"\n\nfunc ETag(body []byte) [32]byte {\n\treturn sha256.Sum256(body)\n}' },
  { name: 'DES cipher', rule: 'weak-cipher', vulnerable: true,
    code: 'package c\n\nimport "crypto/des"\n\nfunc New(k []byte) { des.NewCipher(k) }' },
  { name: 'AES', rule: 'weak-cipher', vulnerable: false,
    code: 'package c\n\nimport "crypto/aes"\n\nfunc New(k []byte) { aes.NewCipher(k) }' },
  { name: 'math/rand token', rule: 'insecure-random', vulnerable: true,
    code: 'package auth\n\nimport "math/rand"\n\nfunc resetToken() int64 {\n\treturn rand.Int63()\n}' },
  { name: 'math/rand for jitter', rule: 'insecure-random', vulnerable: false,
    code: 'package retry\n\nimport "math/rand"\n\nfunc backoffJitter() int {\n\treturn rand.Intn(100)\n}' },
  { name: 'const JWT secret', rule: 'hardcoded-secret', vulnerable: true,
    code: 'package auth\n\nconst jwtSecret = "s3cr3t-signing-key-2024"\n' },
  { name: 'secret from the environment', rule: 'hardcoded-secret', vulnerable: false,
    code: 'package auth\n\nimport "os"\n\nvar jwtSecret = os.Getenv("JWT_SECRET")\n' },
  { name: 'key function that does not check the method', rule: 'jwt-unsafe-verify', vulnerable: true,
    code: 'package auth\n\nimport "github.com/golang-jwt/jwt/v5"\n\nfunc Check(s string) (*jwt.Token, error) {\n\treturn jwt.Parse(s, func(t *jwt.Token) (interface{}, error) { return key, nil })\n}' },
  { name: 'key function checking the signing method', rule: 'jwt-unsafe-verify', vulnerable: false,
    code: 'package auth\n\nimport "github.com/golang-jwt/jwt/v5"\n\nfunc Check(s string) (*jwt.Token, error) {\n\treturn jwt.Parse(s, func(t *jwt.Token) (interface{}, error) {\n\t\tif _, ok := t.Method.(*jwt.SigningMethodHMAC); !ok { return nil, errBad }\n\t\treturn key, nil\n\t})\n}' },
];
