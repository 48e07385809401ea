import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import IconButton from '@mui/material/IconButton';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import DeleteOutlinedIcon from '@mui/icons-material/DeleteOutlined';
import EditOutlinedIcon from '@mui/icons-material/EditOutlined';
import { formErrors } from '../../api/errors';
import { useDeletePostMutation, useGetPostsQuery, useUpdatePostMutation } from '../../api/posts';
import type { Post } from '../../api/types';
import { formatDateTime, personName } from '../../app/format';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ImageWithFallback } from '../../components/ImageWithFallback';
import { MovieAutocomplete, type MovieOption } from '../posts/MovieAutocomplete';
import { useDeleteConfirmation } from './useDeleteConfirmation';
import { useTablePaging } from './useTablePaging';
import { AdminTable } from './AdminTable';

function EditPostDialog({ post, onClose }: { post: Post; onClose: () => void }) {
  const [form, setForm] = useState({ title: post.title, content: post.content });
  const [update, { isLoading, error }] = useUpdatePostMutation();
  const errors = formErrors(error, ['title', 'content']);
  const save = async () => {
    const result = await update({
      id: post.id,
      patch: { title: form.title.trim(), content: form.content },
    });
    if (!('error' in result)) onClose();
  };
  return (
    <Dialog
      open
      onClose={isLoading ? undefined : onClose}
      aria-labelledby="edit-post-title"
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id="edit-post-title">Edit post</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          {errors.other && <Alert severity="error">{errors.other}</Alert>}
          <TextField
            label="Title"
            value={form.title}
            onChange={(e) => setForm((f) => ({ ...f, title: e.target.value }))}
            error={Boolean(errors.fields.title)}
            helperText={errors.fields.title}
            slotProps={{ htmlInput: { maxLength: 300 } }}
          />
          <TextField
            label="Content"
            multiline
            minRows={4}
            value={form.content}
            onChange={(e) => setForm((f) => ({ ...f, content: e.target.value }))}
            error={Boolean(errors.fields.content)}
            helperText={errors.fields.content}
          />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={isLoading}>
          Cancel
        </Button>
        <Button
          variant="contained"
          onClick={() => void save()}
          disabled={isLoading || !form.title.trim()}
        >
          {isLoading ? 'Saving…' : 'Save'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

export interface PostsTableProps {
  /** Show only this member's posts. */
  userId: number | undefined;
  onClearUser: () => void;
}

/** Every post: filter by movie or author, page, edit, delete. */
export function PostsTable({ userId, onClearUser }: PostsTableProps) {
  const [movie, setMovie] = useState<MovieOption | null>(null);
  const paging = useTablePaging();
  // Another author starts from the first page, as another movie does.
  const [lastUserId, setLastUserId] = useState(userId);
  if (userId !== lastUserId) {
    setLastUserId(userId);
    paging.setPage(0);
  }
  const posts = useGetPostsQuery({
    movie: movie?.id,
    user: userId,
    page: paging.query.page,
    page_size: paging.query.page_size,
  });
  const [editing, setEditing] = useState<Post | null>(null);
  const [deletePost, deletion] = useDeletePostMutation();
  const deleting = useDeleteConfirmation((p: Post) => deletePost(p.id), deletion);
  const data = posts.currentData ?? posts.data;
  return (
    <AdminTable
      name="Posts"
      query={posts}
      data={data}
      paging={paging}
      columns={[
        { label: 'Image' },
        { label: 'Title' },
        { label: 'Author' },
        { label: 'Movie' },
        { label: 'Rating' },
        { label: 'Created' },
        { label: 'Actions', align: 'right' },
      ]}
      filters={
        <Stack
          direction={{ xs: 'column', sm: 'row' }}
          spacing={2}
          sx={{ p: 2, alignItems: { sm: 'center' } }}
        >
          <Box sx={{ width: { xs: '100%', sm: 320 } }}>
            <MovieAutocomplete
              label="Filter by movie"
              size="small"
              value={movie}
              onChange={(m) => {
                setMovie(m);
                paging.setPage(0);
              }}
            />
          </Box>
          {userId !== undefined && (
            <Chip
              label={`Author #${userId}`}
              onDelete={onClearUser}
              color="secondary"
              variant="outlined"
            />
          )}
        </Stack>
      }
      row={(p) => (
        <TableRow key={p.id} hover data-testid={`admin-post-row-${p.id}`}>
          <TableCell sx={{ width: 72 }}>
            <ImageWithFallback
              src={p.image?.thumb_url}
              alt={`Thumbnail of “${p.title}”`}
              fallbackHeight={40}
              sx={{ width: 56, height: 40, objectFit: 'cover', borderRadius: 0.5 }}
            />
          </TableCell>
          <TableCell sx={{ fontWeight: 600, maxWidth: 280 }}>
            <Link href={`/posts/${p.id}`}>{p.title}</Link>
          </TableCell>
          <TableCell>{personName(p.author)}</TableCell>
          <TableCell>
            {p.movie ? <Link href={`/movies/${p.movie.id}`}>{p.movie.title}</Link> : '—'}
          </TableCell>
          <TableCell>{p.rating ?? '—'}</TableCell>
          <TableCell>{formatDateTime(p.created_at)}</TableCell>
          <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
            <Tooltip title="Edit">
              <IconButton
                size="small"
                aria-label={`Edit post “${p.title}”`}
                onClick={() => setEditing(p)}
              >
                <EditOutlinedIcon fontSize="small" />
              </IconButton>
            </Tooltip>
            <Tooltip title="Delete">
              <IconButton
                size="small"
                color="error"
                aria-label={`Delete post “${p.title}”`}
                data-testid={`admin-delete-post-${p.id}`}
                onClick={() => deleting.ask(p)}
              >
                <DeleteOutlinedIcon fontSize="small" />
              </IconButton>
            </Tooltip>
          </TableCell>
        </TableRow>
      )}
    >
      {editing && <EditPostDialog post={editing} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        {...deleting.dialog(
          'Delete this post?',
          (p) => `“${p.title}” by ${personName(p.author)} and its image will be deleted for good.`,
        )}
      />
    </AdminTable>
  );
}
