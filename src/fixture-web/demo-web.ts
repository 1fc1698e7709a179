import type { FixtureSite } from "./server.ts";
import { page, snippets, vendorSites } from "./vendors.ts";

/**
 * The built-in demo web: a handful of sites like those in the study that motivated Earshot
 * (a church, a state benefits agency, a clinic, a shop, a news site), with the trackers they carry.
 */
export function demoSites(): FixtureSite[] {
  const { tiktok, meta, ga4, cdn } = snippets;
  const nav = (links: Array<[string, string]>) =>
    `<nav>${links.map(([href, text]) => `<a href="${href}">${text}</a>`).join(" | ")}</nav>`;
  return [
    ...vendorSites(),
    {
      host: "www.stmarks-church.test",
      routes: {
        "/": page(
          "St Mark's Church",
          `<h1>Welcome to St Mark's</h1>${nav([
            ["/sermons", "Sermons"],
            ["/prayer-requests", "Prayer requests"],
            ["/about", "About us"],
          ])}`,
          tiktok("C4CHURCH0000000001"),
        ),
        "/sermons": page("Sermons", "<h1>Sunday sermons</h1>", tiktok("C4CHURCH0000000001")),
        "/prayer-requests": page(
          "Prayer requests",
          "<h1>Send us your prayer request</h1>",
          tiktok("C4CHURCH0000000001"),
        ),
        "/about": page("About", "<h1>About us</h1>"),
      },
    },
    {
      host: "benefits.state-agency.test",
      routes: {
        "/": page(
          "State Benefits Agency",
          `<h1>Apply for benefits</h1>${nav([
            ["/news", "News"],
            ["/food-assistance", "Food assistance (SNAP)"],
            ["/domestic-violence", "Domestic violence help"],
            ["/contact", "Contact"],
          ])}`,
          tiktok("C4STATE00000000002") + ga4("G-STATE00001"),
        ),
        "/food-assistance": page(
          "Food assistance",
          "<h1>SNAP food assistance</h1>",
          tiktok("C4STATE00000000002"),
        ),
        "/domestic-violence": page(
          "Domestic violence resources",
          "<h1>If you are experiencing domestic violence</h1>",
          tiktok("C4STATE00000000002") + ga4("G-STATE00001"),
        ),
        "/news": page("News", "<h1>Agency news</h1>"),
        "/contact": page("Contact", "<h1>Contact us</h1>"),
      },
    },
    {
      host: "www.riverside-clinic.test",
      routes: {
        "/": page(
          "Riverside Clinic",
          `<h1>Riverside Clinic</h1>${nav([
            ["/services/mental-health", "Mental health"],
            ["/book", "Book appointment"],
          ])}`,
          meta("1234567890123456") + ga4("G-CLINIC0001"),
        ),
        "/services/mental-health": page(
          "Mental health services",
          "<h1>Depression and anxiety care</h1>",
          meta("1234567890123456"),
        ),
        "/book": page(
          "Book an appointment",
          `<h1>Book an appointment</h1>
           <button id="book" type="button">Book appointment</button>
           <form id="booking" action="/book">
             <label>Email <input type="email" name="email"></label>
             <label>Phone <input type="tel" name="phone"></label>
             <label>First name <input name="first_name"></label>
             <label>Last name <input name="last_name"></label>
             <button type="submit">Request appointment</button>
           </form>
           <script>
             document.getElementById('book').addEventListener('click', function () { fbq('track', 'Schedule'); });
             document.getElementById('booking').addEventListener('submit', function (e) {
               e.preventDefault();
               fbq('init', '1234567890123456', { em: e.target.email.value, ph: e.target.phone.value });
               fbq('track', 'Lead');
             });
           </script>`,
          meta("1234567890123456"),
        ),
      },
    },
    {
      host: "www.shop-example.test",
      routes: {
        "/": page(
          "Example Shop",
          `<h1>Shop</h1>${nav([["/products/1", "A product"]])}`,
          tiktok("C4SHOP000000000003") + meta("6543210987654321") + ga4("G-SHOP000001") + cdn(),
        ),
        "/products/1": page("A product", "<h1>Product</h1>", ga4("G-SHOP000001")),
      },
    },
    {
      host: "www.daily-news.test",
      routes: {
        "/": page("Daily News", `<h1>Today's news</h1>`, cdn()),
      },
    },
  ];
}

/** The demo web's site list, as a user would write it. */
export function demoSiteList(): string[] {
  return [
    "www.stmarks-church.test",
    "benefits.state-agency.test",
    "www.riverside-clinic.test",
    "www.shop-example.test",
    "www.daily-news.test",
  ];
}
