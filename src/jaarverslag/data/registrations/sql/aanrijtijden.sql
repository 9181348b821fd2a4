-- aanrijtijden (section Aanrijtijden visites): per visit urgency U1 and U2 (the urgencies with an
-- industry norm) and post (the post of the visit's contact: Hengelo, Enschede, SHT as a whole) the
-- visits and the time from request to arrival in seconds: median, P90 and P99 (quantile_disc, as in
-- telefonie.sql). The share within each norm is the branchenormen table (branchenormen.sql).
WITH per AS (
    SELECT v.urgentie, c.post, count(*) AS visites,
           quantile_disc(date_diff('second', v.aanvraag, v.aankomst), 0.5) AS mediaan_s,
           quantile_disc(date_diff('second', v.aanvraag, v.aankomst), 0.9) AS p90_s,
           quantile_disc(date_diff('second', v.aanvraag, v.aankomst), 0.99) AS p99_s
    FROM visites v
    JOIN contacten c ON c.contact_id = v.contact_id
    WHERE v.urgentie IN (SELECT selectie FROM norm_bron WHERE bron = 'visites')
    GROUP BY GROUPING SETS ((v.urgentie, c.post), (v.urgentie))
)
SELECT $jaar AS jaar, r.urgentie, coalesce(r.post, 'SHT') AS post, r.visites, r.mediaan_s, r.p90_s, r.p99_s
FROM per r
JOIN volgorde p ON p.lijst = 'post_of_sht' AND p.waarde = coalesce(r.post, 'SHT')
ORDER BY r.urgentie, p.positie
