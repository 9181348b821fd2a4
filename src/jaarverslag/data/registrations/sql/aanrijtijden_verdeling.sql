-- aanrijtijden_verdeling (section Aanrijtijden visites, the distribution): per visit urgency U1 and
-- U2, post (of the visit's contact, and SHT) and whole minute m from 1 to 240, the visits on site
-- in less than m minutes (aankomst minus aanvraag < 60 * m seconds, strictly, as the norms count).
-- Divided by the visits in aanrijtijden this is the cumulative distribution the page draws; beyond
-- 240 minutes (four hours) the curve is not drawn.
WITH visit AS (
    SELECT v.urgentie, c.post, date_diff('second', v.aanvraag, v.aankomst) AS duur_s
    FROM visites v
    JOIN contacten c ON c.contact_id = v.contact_id
    WHERE v.urgentie IN (SELECT selectie FROM norm_bron WHERE bron = 'visites')
),
minuut AS (SELECT range AS minuten FROM range(1, 241)),
per AS (
    SELECT v.urgentie, v.post, m.minuten, count(*) FILTER (WHERE v.duur_s < 60 * m.minuten) AS binnen
    FROM visit v, minuut m
    GROUP BY GROUPING SETS ((v.urgentie, v.post, m.minuten), (v.urgentie, m.minuten))
)
SELECT $jaar AS jaar, r.urgentie, coalesce(r.post, 'SHT') AS post, r.minuten, r.binnen
FROM per r
JOIN volgorde p ON p.lijst = 'post_of_sht' AND p.waarde = coalesce(r.post, 'SHT')
ORDER BY r.urgentie, p.positie, r.minuten
