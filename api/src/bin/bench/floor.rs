//! The floor: one hand-written SQL statement per question, over the raw rows (no rollups, no
//! cache), timed in this process the same number of times as the tracker. What a thin layer
//! straight over the tables would cost; the tracker's figures are compared with it.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

/// The national dashboard's core numbers: per grant, labour and counted trainee hours up to the
/// month of `as_of`, the share and the shortfall against 14 %, largest shortfall first.
pub fn dashboard(as_of: &str) -> String {
    format!(
        "SELECT c.grant_id, SUM(r.total_centihours) AS labour, COALESCE(SUM(t.trainee), 0) AS trainee,
                CASE WHEN SUM(r.total_centihours) > 0
                     THEN 1.0 * COALESCE(SUM(t.trainee), 0) / SUM(r.total_centihours) END AS share,
                CASE WHEN 0.14 * SUM(r.total_centihours) > COALESCE(SUM(t.trainee), 0)
                     THEN 0.14 * SUM(r.total_centihours) - COALESCE(SUM(t.trainee), 0)
                     ELSE 0 END AS shortfall
         FROM hours_report r
         JOIN contract c ON c.id = r.contract_id
         LEFT JOIN (SELECT l.report_id, SUM(l.centihours) AS trainee
                    FROM hours_line l JOIN placement p ON p.id = l.placement_id
                    WHERE p.kind NOT IN ('work_experience', 'wage_subsidy', 'other_social')
                    GROUP BY l.report_id) t ON t.report_id = r.id
         WHERE r.month <= '{as_of}'
         GROUP BY c.grant_id
         ORDER BY shortfall DESC"
    )
}

/// The same numbers over the monthly rollup the tracker keeps (`hours_month`: one row per
/// contract and month, the trainee hours already summed by kind): what a hand-written dashboard
/// over the tracker's own summary costs.
pub fn dashboard_rollup(as_of: &str) -> String {
    format!(
        "SELECT m.grant_id, SUM(m.total_centihours) AS labour,
                SUM(m.apprentice_centihours + m.other_training_centihours) AS trainee,
                CASE WHEN SUM(m.total_centihours) > 0
                     THEN 1.0 * SUM(m.apprentice_centihours + m.other_training_centihours)
                          / SUM(m.total_centihours) END AS share,
                CASE WHEN 0.14 * SUM(m.total_centihours)
                          > SUM(m.apprentice_centihours + m.other_training_centihours)
                     THEN 0.14 * SUM(m.total_centihours)
                          - SUM(m.apprentice_centihours + m.other_training_centihours)
                     ELSE 0 END AS shortfall
         FROM hours_month m
         WHERE m.month <= '{as_of}'
         GROUP BY m.grant_id
         ORDER BY shortfall DESC"
    )
}

/// One grant's numbers, the same way, reading only that grant's rows.
pub fn one_grant(grant: uuid::Uuid, as_of: &str) -> String {
    format!(
        "SELECT SUM(r.total_centihours),
           (SELECT COALESCE(SUM(l.centihours), 0)
              FROM hours_line l JOIN placement p ON p.id = l.placement_id
              JOIN hours_report r2 ON r2.id = l.report_id
              JOIN contract c2 ON c2.id = r2.contract_id
             WHERE c2.grant_id = '{grant}' AND r2.month <= '{as_of}'
               AND p.kind NOT IN ('work_experience', 'wage_subsidy', 'other_social'))
         FROM hours_report r JOIN contract c ON c.id = r.contract_id
         WHERE c.grant_id = '{grant}' AND r.month <= '{as_of}'"
    )
}

/// The nested list (the first 100 grants, their contracts with contractor name and monthly
/// reports with total and trainee hours) as one JSON document built by the database.
pub fn nested_json(backend: DatabaseBackend) -> String {
    if backend == DatabaseBackend::Postgres {
        "SELECT json_agg(x ORDER BY x.id)::text FROM (
           SELECT g.id, g.case_number AS \"caseNumber\",
             COALESCE((SELECT json_agg(json_build_object(
                 'contractor', json_build_object('name', k.name),
                 'hoursReports', COALESCE((SELECT json_agg(json_build_object(
                      'totalHours', to_char(r.total_centihours / 100.0, 'FM9999999990.00'),
                      'traineeHours', to_char(COALESCE((SELECT SUM(l.centihours) FROM hours_line l WHERE l.report_id = r.id), 0) / 100.0, 'FM9999999990.00'))
                    ORDER BY r.month) FROM hours_report r WHERE r.contract_id = c.id AND r.archived_at IS NULL), '[]'::json))
               ORDER BY c.id)
               FROM contract c JOIN contractor k ON k.id = c.contractor_id
               WHERE c.grant_id = g.id AND c.archived_at IS NULL), '[]'::json) AS contracts
           FROM lbf_grant g WHERE g.archived_at IS NULL ORDER BY g.id LIMIT 100) x"
            .into()
    } else {
        "SELECT json_group_array(json(x.doc)) FROM (
           SELECT json_object('caseNumber', g.case_number, 'contracts',
             (SELECT json_group_array(json_object(
                 'contractor', json_object('name', k.name),
                 'hoursReports', (SELECT json_group_array(json_object(
                      'totalHours', printf('%.2f', r.total_centihours / 100.0),
                      'traineeHours', printf('%.2f', COALESCE((SELECT SUM(l.centihours) FROM hours_line l WHERE l.report_id = r.id), 0) / 100.0)))
                    FROM hours_report r WHERE r.contract_id = c.id AND r.archived_at IS NULL)))
              FROM contract c JOIN contractor k ON k.id = c.contractor_id
              WHERE c.grant_id = g.id AND c.archived_at IS NULL)) AS doc
           FROM lbf_grant g WHERE g.archived_at IS NULL ORDER BY g.id LIMIT 100) x"
            .into()
    }
}

/// Runs `sql` `runs` times: (median, 95th percentile, rows of the last run).
pub async fn time(
    db: &DatabaseConnection,
    sql: &str,
    runs: usize,
) -> anyhow::Result<(Duration, Duration, usize)> {
    let backend = db.get_database_backend();
    let mut times = Vec::with_capacity(runs);
    let mut rows = 0;
    for _ in 0..runs {
        let t = Instant::now();
        rows = db
            .query_all_raw(Statement::from_string(backend, sql.to_owned()))
            .await?
            .len();
        times.push(t.elapsed());
    }
    times.sort();
    let p95 = times[((runs * 95).div_ceil(100)).saturating_sub(1).min(runs - 1)];
    Ok((times[runs / 2], p95, rows))
}
