"""Shared fixture for the web monitoring tests and bench/web.sh: a real
nginx on a free loopback port, with its own prefix, config and pid file in
a temp directory, serving realistic Vietnamese portal pages whose dynamic
parts (date, visitor counter, CSRF token, a rotating "featured" item)
change on every request through nginx SSI. Python stdlib only."""
import os
import random
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

ORGS = ["Sở Thông tin và Truyền thông", "Sở Tài chính", "Sở Y tế",
        "Sở Giáo dục và Đào tạo", "UBND huyện Yên Minh", "Sở Nội vụ"]
SENTENCES = [
    "Sáng nay, Ủy ban nhân dân tỉnh tổ chức hội nghị trực tuyến triển khai nhiệm vụ chuyển đổi số năm {y}.",
    "Đồng chí Phó Chủ tịch UBND tỉnh yêu cầu các sở, ban, ngành đẩy mạnh cung cấp dịch vụ công trực tuyến toàn trình.",
    "Theo báo cáo, tỷ lệ hồ sơ được giải quyết đúng hạn đạt {p} phần trăm, tăng so với cùng kỳ năm trước.",
    "Hội nghị đã thảo luận về công tác bảo đảm an toàn thông tin mạng trong các cơ quan nhà nước trên địa bàn.",
    "Các đơn vị cần rà soát hệ thống thông tin, phân loại cấp độ và xây dựng phương án ứng cứu sự cố.",
    "Người dân có thể tra cứu tình trạng hồ sơ tại Cổng dịch vụ công của tỉnh hoặc qua ứng dụng trên điện thoại.",
    "Chương trình tập huấn kỹ năng số cho cán bộ cấp xã được tổ chức tại trung tâm hội nghị tỉnh.",
    "Ban chỉ đạo đề nghị các huyện tiếp tục tuyên truyền để nhân dân sử dụng tài khoản định danh điện tử.",
    "Dự án hạ tầng viễn thông vùng sâu, vùng xa đã hoàn thành giai đoạn một với {n} trạm phát sóng mới.",
    "Trong quý, Sở đã tiếp nhận và xử lý {n} phản ánh, kiến nghị của người dân và doanh nghiệp.",
    "Lãnh đạo tỉnh biểu dương các tập thể, cá nhân có thành tích xuất sắc trong phong trào thi đua.",
    "Công an tỉnh khuyến cáo người dân cảnh giác với các thủ đoạn lừa đảo qua mạng xã hội và tin nhắn giả mạo.",
    "Kế hoạch phát triển du lịch cộng đồng gắn với bảo tồn văn hóa các dân tộc thiểu số đã được phê duyệt.",
    "Ngành giáo dục triển khai sổ điểm điện tử và học bạ số tại tất cả các trường trung học cơ sở.",
    "Bệnh viện đa khoa tỉnh đưa vào sử dụng hệ thống đặt lịch khám bệnh trực tuyến từ đầu tháng.",
    "Hội đồng nhân dân tỉnh thông qua nghị quyết về chính sách hỗ trợ phát triển nông nghiệp hàng hóa.",
]
TITLES = [
    "Hội nghị triển khai nhiệm vụ chuyển đổi số năm {y}",
    "Đẩy mạnh cung cấp dịch vụ công trực tuyến toàn trình",
    "Tăng cường bảo đảm an toàn thông tin mạng trong cơ quan nhà nước",
    "Tập huấn kỹ năng số cho cán bộ cấp xã",
    "Hoàn thành giai đoạn một dự án hạ tầng viễn thông vùng sâu",
    "Kết quả giải quyết thủ tục hành chính quý {q}",
    "Phát triển du lịch cộng đồng gắn với bảo tồn văn hóa",
    "Triển khai học bạ số tại các trường trung học cơ sở",
    "Cảnh giác với thủ đoạn lừa đảo qua mạng",
    "Biểu dương tập thể, cá nhân xuất sắc trong phong trào thi đua",
    "Đưa vào sử dụng hệ thống đặt lịch khám bệnh trực tuyến",
    "Thông qua nghị quyết hỗ trợ phát triển nông nghiệp hàng hóa",
]


def article(rng, i, paragraphs=3):
    t = TITLES[i % len(TITLES)].format(y=2026, q=1 + i % 4)
    ps = []
    for _ in range(paragraphs):
        k = rng.randint(3, 5)
        ps.append("<p>" + " ".join(
            rng.choice(SENTENCES).format(y=2026, p=rng.randint(80, 99), n=rng.randint(10, 900))
            for _ in range(k)) + "</p>")
    return (f'<article class="news-item"><h3><a href="/tin-tuc/bai-{i}.html">{t}</a></h3>'
            f'<img src="/uploads/2026/11/anh-{i}.jpg" alt="{t}">'
            f'<div class="summary">{"".join(ps)}</div>'
            f'<span class="date">Ngày đăng: <!--# echo var="date_local" --></span></article>\n')


def portal(seed=1, org=None, articles=10, paragraphs=3, extra_head="", extra_body="",
           title=None, description=None, keywords=None, js_version="abc123", css_version="123",
           extra_articles="", footer_extra=""):
    """A portal home page (SSI template). Extra parts are inserted as given."""
    rng = random.Random(seed)
    org = org or ORGS[seed % len(ORGS)]
    title = title or f"Cổng thông tin điện tử {org} tỉnh Hà Giang"
    description = description or f"Trang thông tin chính thức của {org} tỉnh Hà Giang: tin tức, văn bản, thủ tục hành chính."
    keywords = keywords or "chuyển đổi số, dịch vụ công, văn bản chỉ đạo, Hà Giang"
    menu = "".join(f'<li><a href="/chuyen-muc/{k}.html">{n}</a></li>' for k, n in [
        ("gioi-thieu", "Giới thiệu"), ("tin-tuc", "Tin tức - Sự kiện"), ("van-ban", "Văn bản"),
        ("thu-tuc", "Thủ tục hành chính"), ("lien-he", "Liên hệ"), ("hoi-dap", "Hỏi đáp")])
    sub = "".join(f'<li><a href="/chuyen-muc/con-{k}.html">Chuyên mục con {k}</a></li>' for k in range(8))
    news = "".join(article(rng, i, paragraphs) for i in range(articles))
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>{title}</title>
<meta name="description" content="{description}">
<meta name="keywords" content="{keywords}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/css/site.css?v={css_version}">
<link rel="stylesheet" href="/static/css/print.css?v={css_version}" media="print">
<script src="/static/js/jquery-3.6.0.min.js"></script>
<script src="/static/js/app.{js_version}.js"></script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-HG2026"></script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}gtag('js',new Date());gtag('config','G-HG2026');
var csrfToken="<!--# echo var="request_id" -->";if(location.hash==="#top"){{window.scrollTo(0,0);}}</script>
<style>.dropdown-menu{{display:none;position:absolute}} .nav li:hover .dropdown-menu{{display:block}} .sr-only{{position:absolute;width:1px;height:1px;overflow:hidden}}</style>
{extra_head}</head>
<body class="home">
<div class="topbar"><span>Hôm nay: <!--# echo var="date_local" --></span>
<a href="/dang-nhap.html">Đăng nhập</a> | <a href="/so-do-trang.html">Sơ đồ trang</a></div>
<header><a href="/"><img src="/static/img/logo.png" alt="{org}"></a><h1>{org} tỉnh Hà Giang</h1></header>
<nav class="nav"><ul>{menu}<li><a href="#">Chuyên mục</a><ul class="dropdown-menu">{sub}
<li><a href="https://www.facebook.com/sotttthagiang">Fanpage</a></li></ul></li></ul></nav>
<div class="featured">Tin nổi bật: <!--# if expr="$msec = /[0-4]$/" -->Khai mạc Tuần lễ văn hóa - du lịch tỉnh năm 2026<!--# else -->Tổng kết công tác cải cách hành chính sáu tháng đầu năm<!--# endif --></div>
<main><section class="news"><h2>Tin tức - Sự kiện</h2>
{extra_articles}{news}</section>
{extra_body}
<section class="links"><h2>Liên kết website</h2><ul>
<li><a href="https://chinhphu.vn">Cổng thông tin điện tử Chính phủ</a></li>
<li><a href="https://hagiang.gov.vn">Cổng thông tin điện tử tỉnh</a></li>
<li><a href="https://dichvucong.gov.vn">Cổng dịch vụ công quốc gia</a></li>
</ul></section></main>
<footer><p>Cơ quan chủ quản: {org} tỉnh Hà Giang. Địa chỉ: số 1 đường Nguyễn Trãi, thành phố Hà Giang.</p>
<p>Điện thoại: 0219 3866 000 - Email: stttt@hagiang.gov.vn. Số lượt truy cập: <!--# echo var="msec" --></p>
<form action="/tim-kiem.html" method="get"><input name="q"><input type="hidden" name="t" value="<!--# echo var="request_id" -->"></form>
<p>Giấy phép số 12/GP-TTĐT do Sở Thông tin và Truyền thông cấp. Ghi rõ nguồn khi phát hành lại thông tin từ cổng này.</p>
{footer_extra}</footer>
</body></html>
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Nginx:
    """nginx with its own prefix in `root`; `locations` is extra config
    text placed in the main server block (may use {root} and {port})."""

    def __init__(self, root, locations="", extra_servers="", workers=1):
        self.root = root
        self.www = os.path.join(root, "www")
        os.makedirs(self.www, exist_ok=True)
        os.chmod(root, 0o755)  # workers run as nobody when started by root
        os.makedirs(os.path.join(root, "logs"), exist_ok=True)
        self.locations = locations
        self.extra_servers = extra_servers
        self.workers = workers
        self.proc = None
        self.port = None
        self.port2 = None

    def conf(self, port):
        r = self.root
        return f"""worker_processes {self.workers};
daemon off;
pid {r}/nginx.pid;
error_log {r}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  default_type text/html;
  types {{ text/html html shtml; text/css css; application/javascript js; image/png png; application/octet-stream bin; }}
  client_body_temp_path {r}/tmp_body; proxy_temp_path {r}/tmp_proxy; fastcgi_temp_path {r}/tmp_fcgi;
  uwsgi_temp_path {r}/tmp_uwsgi; scgi_temp_path {r}/tmp_scgi;
  keepalive_requests 100000;
  server {{
    listen 127.0.0.1:{port} default_server;
    server_name _;
    root {self.www};
    ssi on; ssi_types text/html;
    index index.html;
    {self.locations.format(root=r, port=port, port2=self.port2, www=self.www)}
  }}
  {self.extra_servers.format(root=r, port=port, port2=self.port2, www=self.www)}
}}
"""

    def start(self):
        for _ in range(20):
            port = free_port()
            self.port2 = free_port()
            with open(os.path.join(self.root, "nginx.conf"), "w") as f:
                f.write(self.conf(port))
            self.proc = subprocess.Popen([NGINX, "-p", self.root, "-c", os.path.join(self.root, "nginx.conf")],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for _ in range(100):
                if self.proc.poll() is not None:
                    break
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    self.port = port
                    return port
                except OSError:
                    time.sleep(0.05)
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
        raise RuntimeError("nginx did not start: " + open(os.path.join(self.root, "logs/error.log")).read()[-500:])

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def write(self, rel, text, mode="w"):
        p = os.path.join(self.www, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, mode) as f:
            f.write(text)

    def url(self, rel, host="127.0.0.1"):
        return f"http://{host}:{self.port}/{rel}"


def get(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=5) as r:
        return r.read()
