"""The brief's Locust scenario against the real API, through the gateway.

Each simulated user logs in once as a seeded load user (user<N>@test.com / password123, created by
`npm run seed:users -- --count N`) and acts as its own client address (X-Forwarded-For, which the
gateway trusts from loopback in development). Weighted tasks: search 5 : select 10 : view booking 3,
plus the full purchase (select -> passengers -> OTP -> card -> CONFIRMED) at weight 1.

Run headless (see load-testing/locust.sh, `npm run load:locust`):
  python3 -m locust -f load-testing/locustfile.py --headless -u 200 -r 20 -t 3m \
      --host http://127.0.0.1:8080 --csv load-testing/results/locust
Master/worker mode works too (--master / --worker): Debian's packaging leaves
locust.runners.__version__ empty, which the master's version handshake rejects, so it is set below.
"""

import itertools
import os
import random
import time
from datetime import datetime, timedelta, timezone

import gevent.lock
import locust
import locust.runners
from locust import FastHttpUser, between, task

if not getattr(locust.runners, "__version__", None):
    locust.runners.__version__ = locust.__version__ or "2.12.1"

ROUTES = [("DHK", "CTG"), ("DHK", "SYL"), ("DHK", "RJH"), ("DHK", "KLN"), ("DHK", "CXB"),
          ("CTG", "DHK"), ("SYL", "DHK"), ("RJH", "DHK"), ("KLN", "DHK")]
DAYS = int(os.environ.get("LOAD_DAYS", "3"))
USER_OFFSET = int(os.environ.get("LOAD_USER_OFFSET", "0"))
PASSWORD = os.environ.get("LOAD_PASSWORD", "password123")
# Workers of one run must not share users: start each worker with its own LOAD_USER_OFFSET (e.g. 0, 1000).
_numbers = itertools.count(USER_OFFSET + 1)
_catalog = {"trips": None}
_catalog_lock = gevent.lock.Semaphore()


def dhaka_date(offset):
    return (datetime.now(timezone.utc) + timedelta(hours=6, days=offset)).strftime("%Y-%m-%d")


def address(n):
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


class Traveller(FastHttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        self.number = next(_numbers)
        self.xff = address(self.number)
        self.headers = {"X-Forwarded-For": self.xff}
        self.bookings = []
        with self.client.post("/api/auth/login", json={"email": f"user{self.number}@test.com", "password": PASSWORD},
                              headers=self.h(), name="login", catch_response=True) as res:
            if res.status_code != 200:
                res.failure(f"login user{self.number}: {res.status_code} (seeded? npm run seed:users)")
                raise locust.exception.StopUser()
            self.headers["Authorization"] = f"Bearer {res.json()['token']}"
        self.load_catalog()

    def h(self):
        # A fresh dict per request: the client adds Content-Type to the dict it is given, and a DELETE
        # without a body but with that header is (rightly) a 400.
        return dict(self.headers)

    def load_catalog(self):
        with _catalog_lock:
            if _catalog["trips"] is not None:
                return
            trips = {}
            for day in range(1, DAYS + 1):
                for origin, dest in ROUTES:
                    res = self.client.get(f"/api/trains/search?from={origin}&to={dest}&date={dhaka_date(day)}",
                                          headers=self.h(), name="setup: search")
                    for trip in res.json().get("trips", []) if res.status_code == 200 else []:
                        trips[trip["tripId"]] = None
            for trip_id in list(trips):
                # Public reads from many addresses, so setup is not slowed by this user's own rate limit.
                res = self.client.get(f"/api/trains/trips/{trip_id}/seats", name="setup: seat map",
                                      headers={"X-Forwarded-For": address(60000 + trip_id)})
                if res.status_code == 200:
                    trips[trip_id] = [s["seatId"] for c in res.json()["coaches"] for s in c["seats"]]
            _catalog["trips"] = [(t, seats) for t, seats in trips.items() if seats]

    def select_one(self):
        trip_id, seats = random.choice(_catalog["trips"])
        with self.client.post("/api/bookings/seats/select", json={"tripId": trip_id, "seatIds": [random.choice(seats)]},
                              headers=self.h(), name="select", catch_response=True) as res:
            if res.status_code == 201:
                res.success()
                return res.json()
            if res.status_code in (409, 429):  # taken, over the limit, or slowed down: answers, not errors
                res.success()
                return None
            res.failure(f"select {res.status_code}")
            return None

    @task(5)
    def search(self):
        origin, dest = random.choice(ROUTES)
        self.client.get(f"/api/trains/search?from={origin}&to={dest}&date={dhaka_date(random.randint(1, DAYS))}",
                        headers=self.h(), name="search")

    @task(10)
    def select(self):
        held = self.select_one()
        if held:  # a browsing user changes their mind: release at once, as the seat map's "cancel" does
            self.client.delete(f"/api/bookings/{held['bookingId']}", headers=self.h(), name="release")

    @task(3)
    def view_booking(self):
        if self.bookings:
            self.client.get(f"/api/bookings/{random.choice(self.bookings)}", headers=self.h(), name="view booking")
        else:
            self.client.get("/api/bookings?limit=10", headers=self.h(), name="list bookings")

    @task(1)
    def purchase(self):
        held = self.select_one()
        if not held:
            return
        booking_id = held["bookingId"]
        passengers = [{"name": "Rahim Uddin", "age": 34, "gender": "male"} for _ in held["seats"]]
        res = self.client.post("/api/bookings/seats/confirm", json={"bookingId": booking_id, "passengers": passengers},
                               headers=self.h(), name="confirm")
        if res.status_code not in (200, 201) or "devOtp" not in res.json():
            return
        res = self.client.post(f"/api/bookings/{booking_id}/verify-otp", json={"otp": res.json()["devOtp"]},
                               headers=self.h(), name="verify otp")
        if res.status_code != 200:
            return
        res = self.client.post("/api/payments/initiate", json={"bookingId": booking_id}, headers=self.h(),
                               name="pay: initiate")
        if res.status_code not in (200, 201):
            return
        payment_id = res.json()["paymentId"]
        res = self.client.post("/api/payments/verify", headers={**self.h(), "Idempotency-Key": f"locust-{payment_id}"},
                               json={"paymentId": payment_id, "method": "card", "cardNumber": "4242424242424242",
                                     "expiry": "12/30", "cvc": "123"}, name="pay: verify")
        if res.status_code != 200 or res.json().get("status") != "SUCCEEDED":
            return
        deadline = time.time() + 30
        while time.time() < deadline:
            with self.client.get(f"/api/bookings/{booking_id}", headers=self.h(), name="view booking",
                                 catch_response=True) as res:
                status = res.json().get("status") if res.status_code == 200 else None
                if status == "CONFIRMED":
                    self.bookings.append(booking_id)
                    return
                if status in ("EXPIRED", "CANCELLED"):
                    res.failure(f"booking {status} after payment")
                    return
            gevent.sleep(0.3)
