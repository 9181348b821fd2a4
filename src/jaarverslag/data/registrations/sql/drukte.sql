-- drukte (section Drukte): contacts per post (every post with contacts, and SHT as a whole), kind of
-- contact (referentie/verrichting_soort) and hour of the week: weekdag is the ISO day of the contact's
-- start (1 = maandag ... 7 = zondag), uur its hour of the day (0-23), local time. Only hours with at
-- least one contact get a row.
WITH per AS (
    SELECT c.post, s.soort, isodow(c.starttijd) AS weekdag, hour(c.starttijd) AS uur, count(*) AS contacten
    FROM contacten c
    JOIN verrichting_soort s ON s.verrichting = c.verrichting
    GROUP BY GROUPING SETS ((c.post, s.soort, weekdag, uur), (s.soort, weekdag, uur))
)
SELECT $jaar AS jaar, coalesce(r.post, 'SHT') AS post, r.soort, r.weekdag, r.uur, r.contacten
FROM per r
JOIN volgorde p ON p.lijst = 'post_of_sht' AND p.waarde = coalesce(r.post, 'SHT')
JOIN volgorde k ON k.lijst = 'soort_contact' AND k.waarde = r.soort
ORDER BY p.positie, k.positie, r.weekdag, r.uur
